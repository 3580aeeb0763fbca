/* test_report.c: the report writers and diff on gpupack traces with known
 * contents. Every expected number is worked out by hand from the kernels
 * written below, never taken from the program's output.
 *
 * Trace "base" (one process, GPU 0, stream 7), times in us:
 *   gemm_a                               [10,20] [30,40] [50,60]   3 x 10 = 30
 *   <script>alert(1)</script>            [70,75] [80,85]           2 x 5  = 10
 *   "><img src=x onerror=alert(1)>       [90,94]                   1 x 4  =  4
 *   pipe|name`x                          [96,97]                   1 x 1  =  1
 *   span 10..97 = 87 us, busy 45 us, idle 42 us, busy 51.72 %.
 *   samples "nvml.gpu_util" on GPU 0: 20, 60, 100 at 10, 50, 90 us.
 * Trace "next": gemm_a 3 x 20 us, no <script> kernel, a new "added_k".
 */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"
#include "analyzer/formats/load.h"
#include "common/store.h"
#include "reports/diff.h"
#include "reports/escape.h"
#include "reports/outfile.h"
#include "reports/report.h"
#include "reports/series.h"
#include "reports/summary.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

#define US 1000
#define XSS_SCRIPT "<script>alert(1)</script>"
#define XSS_IMG "\"><img src=x onerror=alert(1)>"

typedef struct kdef {
    const char *name;
    int64_t start_us, end_us;
} kdef;

static const kdef base_k[] = {
    { "gemm_a", 10, 20 }, { "gemm_a", 30, 40 }, { "gemm_a", 50, 60 },
    { XSS_SCRIPT, 70, 75 }, { XSS_SCRIPT, 80, 85 }, { XSS_IMG, 90, 94 }, { "pipe|name`x", 96, 97 },
};
static const kdef next_k[] = {
    { "gemm_a", 10, 30 }, { "gemm_a", 40, 60 }, { "gemm_a", 70, 90 },
    { XSS_IMG, 90, 94 }, { "pipe|name`x", 96, 97 }, { "added_k", 100, 102 },
};

static int write_trace(const char *path, const kdef *k, size_t n, int samples)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_record r;

    if (!w)
        return -1;
    gp_writer_begin(w, &err);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = 100;
    r.u.process.cmdline = gp_writer_intern(w, "python train.py", 15, &err);
    r.u.process.start_ns = 1;
    r.u.process.end_ns = 200 * US;
    r.u.process.rank = -1;
    gp_writer_put(w, &r, &err);
    gp_record_init(&r, GP_KIND_DEVICE);
    r.u.device.id = 0;
    r.u.device.name = gp_writer_intern(w, "Test GPU", 8, &err);
    r.u.device.sm_count = 132;
    r.u.device.cc_major = 9;
    gp_writer_put(w, &r, &err);
    for (size_t i = 0; i < n; i++) {
        gp_record_init(&r, GP_KIND_KERNEL);
        r.u.kernel.device = 0;
        r.u.kernel.stream = 7;
        r.u.kernel.pid = 100;
        r.u.kernel.start_ns = k[i].start_us * US;
        r.u.kernel.end_ns = k[i].end_us * US;
        r.u.kernel.name = gp_writer_intern(w, k[i].name, strlen(k[i].name), &err);
        gp_writer_put(w, &r, &err);
    }
    for (int i = 0; i < samples; i++) {
        gp_record_init(&r, GP_KIND_METRIC);
        r.u.metric.ts_ns = (10 + 40 * i) * US;
        r.u.metric.device = 0;
        r.u.metric.name = gp_writer_intern(w, "nvml.gpu_util", 13, &err);
        r.u.metric.value = 20 + 40 * i;
        r.u.metric.pid = 100;
        gp_writer_put(w, &r, &err);
    }
    if (gp_writer_commit(w, &err) != GP_OK || gp_writer_close(w, &err) != GP_OK) {
        diag("writing %s: %s", path, err.msg);
        return -1;
    }
    return 0;
}

static gp_analysis *load(const char *path, gp_job **job)
{
    gp_error err = { 0 };

    *job = gp_job_new();
    if (gp_load_any(*job, path, &err) != GP_OK) {
        diag("%s", err.msg);
        return NULL;
    }
    return gp_analyze(*job, NULL);
}

/* The report in a string (caller frees). */
static char *render(const gp_analysis *a, gp_report_format f, gp_report_table t)
{
    const char *in[] = { "base.gpupack" };
    gp_report_opts o = { f, t, 0, in, 1 };
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    ok(gp_report_write(m, a, &o) == 0, "%s report written", gp_report_format_name(f));
    fclose(m);
    return buf;
}

static size_t count(const char *h, const char *n)
{
    size_t c = 0;
    for (const char *p = h; (p = strstr(p, n)); p += strlen(n))
        c++;
    return c;
}

static char *esc(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fn(m, s);
    fclose(m);
    return buf;
}

static void test_escape(void)
{
    static const struct { void (*fn)(FILE *, const char *); const char *in, *want; } t[] = {
        { gp_esc_html, "<a href='x'>&\"", "&lt;a href=&#39;x&#39;&gt;&amp;&quot;" },
        { gp_esc_html, "plain", "plain" },
        { gp_esc_md, "a|b`c*d_e", "a\\|b\\`c\\*d\\_e" },
        /* control characters in their shown form (common/text.h), whose
         * backslash Markdown escapes: a cell stays one line */
        { gp_esc_md, "<b>\nx", "&lt;b&gt;\\\\x0ax" },
        { gp_esc_md, "\x1b[2J", "\\\\x1b\\[2J" },
        { gp_esc_csv, "a,b", "\"a,b\"" },
        { gp_esc_csv, "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { gp_esc_csv, "=1+1", "\"'=1+1\"" },
        { gp_esc_csv, "line\nbreak", "line\\x0abreak" },
        { gp_esc_csv, "bel\a,\xff", "\"bel\\x07,\xef\xbf\xbd\"" },
        { gp_esc_html, "t\x1b]0;x\x07\xc2\x9b", "t\\x1b]0;x\\x07\\u009b" },
        { gp_esc_csv, "plain", "plain" },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char *got = esc(t[i].fn, t[i].in);
        is_str(got, t[i].want, "escape case %zu", i);
        free(got);
    }
}

static void test_cut(void)
{
    char *buf = NULL, *big = malloc(200001);
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    gp_esc_html_cut(m, "a\xc3\xa9<b", 2);
    fclose(m);
    is_str(buf, "a\xc3\xa9\xe2\x80\xa6", "cut after 2 bytes: the 2-byte character kept whole, then an ellipsis");
    free(buf);
    for (int i = 0; i < 200000; i++)
        big[i] = "<x>"[i % 3];
    big[200000] = 0;
    buf = NULL;
    m = open_memstream(&buf, &len);
    gp_esc_html_cut(m, big, 4096);
    fclose(m);
    ok(len < 4096 * 5 + 4, "a 200 KB string shows at most 4096 bytes escaped (%zu)", len);
    ok(!strchr(buf, '<'), "still escaped");
    free(buf);
    free(big);
}

static void test_formats(void)
{
    ok(gp_report_format_of_path("r.html") == GP_REPORT_HTML, ".html");
    ok(gp_report_format_of_path("R.HTM") == GP_REPORT_HTML, ".HTM");
    ok(gp_report_format_of_path("r.md") == GP_REPORT_MD, ".md");
    ok(gp_report_format_of_path("a.b/r.json") == GP_REPORT_JSON, ".json");
    ok(gp_report_format_of_path("r.csv") == GP_REPORT_CSV, ".csv");
    ok(gp_report_format_of_path("r.txt") == GP_REPORT_UNKNOWN, ".txt is no report format");
    ok(gp_report_format_of_path("dir.html/r") == GP_REPORT_UNKNOWN, "a dot in a folder name");
    ok(gp_report_format_parse("chrome-trace") == GP_REPORT_CHROME, "chrome-trace");
    ok(gp_report_format_parse("pdf") == GP_REPORT_UNKNOWN, "pdf unknown");
    ok(gp_report_table_parse("gaps") == GP_TABLE_GAPS, "table gaps");
    ok(gp_report_table_parse("x") < 0, "table x unknown");
}

static void test_summary(const gp_analysis *a)
{
    gp_report_summary s;
    gp_report_series ser;
    double busy = 0;

    gp_report_summarize(a, &s);
    is_int(s.span_ns, 87 * US, "span 10..97 us");
    is_int(s.busy_ns, 45 * US, "busy 30 + 10 + 4 + 1 us");
    is_int(s.idle_ns, 42 * US, "idle 87 - 45 us");
    ok(s.busy_pct > 51.72 && s.busy_pct < 51.73, "busy 45/87 = 51.72 %% (got %.4f)", s.busy_pct);
    is_int(s.kernels, 7, "7 kernels");
    ok(gp_series_build(a, &ser) == 0, "series built");
    is_int(ser.n_util, 1, "one device series");
    for (int b = 0; b < ser.util[0].n_bins; b++) {
        int64_t len = b < ser.util[0].n_bins - 1 ? ser.util[0].bin_ns
                                                 : 87 * US - ser.util[0].bin_ns * (ser.util[0].n_bins - 1);
        busy += ser.util[0].busy_pct[b] * (double)len / 100.0;
    }
    ok(busy > 45 * US - 1 && busy < 45 * US + 1, "the bins add up to 45 us busy (got %.1f)", busy);
    {   /* every bin is busy or idle by some cause; the idle by cause adds up to
         * the analyzer's per-cause totals inside the span */
        const gp_util_series *u = &ser.util[0];
        const gp_device_result *d = u->dev;
        double cause_ns[GP_CAUSE_COUNT] = { 0 }, worst = 0;
        int sums_ok = 1;
        for (int b = 0; b < u->n_bins; b++) {
            int64_t len = b < u->n_bins - 1 ? u->bin_ns : 87 * US - u->bin_ns * (u->n_bins - 1);
            double t = u->busy_pct[b];
            for (int k = 0; k < GP_CAUSE_COUNT; k++) {
                t += u->idle_pct[b][k];
                cause_ns[k] += u->idle_pct[b][k] * (double)len / 100.0;
            }
            if (t - 100 > worst || 100 - t > worst)
                worst = t > 100 ? t - 100 : 100 - t;
        }
        ok(worst < 1e-6, "busy + idle by cause = 100 %% in every bin (worst off by %g)", worst);
        for (int k = 0; k < GP_CAUSE_COUNT; k++)
            if (k != GP_CAUSE_STARTUP && k != GP_CAUSE_TEARDOWN &&
                (cause_ns[k] < (double)d->causes[k].total_ns - 1 || cause_ns[k] > (double)d->causes[k].total_ns + 1))
                sums_ok = 0;
        ok(sums_ok, "idle by cause over the bins = the analyzer's totals per cause");
    }
    is_int(ser.n_samples, 1, "one sample series");
    is_int(ser.samples[0].n, 3, "3 sample points");
    ok(ser.samples[0].min == 20 && ser.samples[0].max == 100, "samples 20..100");
    gp_series_free(&ser);
}

/* A span of 201 ns (kernels [0,100] and [150,201]): 200 bins of 1 ns would
 * not do, so bins of 2 ns, 101 of them, the last 1 ns long. */
static void test_series_edges(void)
{
    gp_job *job = gp_job_new();
    gp_rank *r = gp_job_add_rank(job, "mem");
    static const int64_t k[2][2] = { { 0, 100 }, { 150, 201 } };
    gp_report_series ser = { 0 };
    gp_analysis *a;
    double busy = 0;

    for (int i = 0; i < 2; i++) {
        gp_op *o = gp_rank_add_op(r);
        o->start_ns = k[i][0];
        o->end_ns = k[i][1];
        o->device = 0;
        o->stream = 1;
        o->name = gp_job_intern(job, "k", 1);
    }
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    ok(a && gp_series_build(a, &ser) == 0 && ser.n_util == 1, "series of a 201 ns span");
    if (ser.n_util == 1) {
        const gp_util_series *u = &ser.util[0];
        is_int(u->bin_ns, 2, "bins of 2 ns");
        is_int(u->n_bins, 101, "101 bins: none past the span");
        ok(u->busy_pct[0] == 100 && u->busy_pct[50] == 0 && u->busy_pct[75] == 100 &&
           u->busy_pct[100] == 100, "[0,2) busy, [100,102) idle, [150,152) busy, [200,201) busy");
        for (int b = 0; b < u->n_bins; b++) {
            int64_t end = (b + 1) * u->bin_ns < 201 ? (b + 1) * u->bin_ns : 201;
            busy += u->busy_pct[b] * (double)(end - b * u->bin_ns) / 100.0;
        }
        ok(busy > 150.99 && busy < 151.01, "the bins add up to 100 + 51 ns busy (%.2f)", busy);
    }
    gp_series_free(&ser);
    gp_analysis_free(a);
    gp_job_free(job);
}

static void test_html(const gp_analysis *a)
{
    char *h = render(a, GP_REPORT_HTML, 0);

    like(h, "<!DOCTYPE html>", "a page");
    like(h, "51.7 %", "busy %% shown");
    like(h, "&lt;script&gt;alert(1)&lt;/script&gt;", "the script kernel name is escaped");
    like(h, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", "the img kernel name is escaped");
    ok(!strstr(h, "<script") && !strstr(h, "<img"), "no raw <script> or <img> anywhere");
    ok(!strstr(h, "http://") && !strstr(h, "https://") && !strstr(h, "url("),
       "no external resource");
    like(h, "<svg", "inline SVG charts");
    like(h, "nvml.gpu_util", "the sample chart");
    like(h, "30.0 us", "gemm_a's 30 us total");
    free(h);
}

static void test_md(const gp_analysis *a)
{
    char *m = render(a, GP_REPORT_MD, 0);

    like(m, "| GPU busy (all devices) | 51.7 % |", "busy %% row");
    like(m, "pipe\\|name\\`x", "| and ` escaped in a cell");
    like(m, "&lt;script&gt;", "HTML escaped in Markdown");
    ok(!strstr(m, "<script") && !strstr(m, "<img"), "no raw tag in Markdown");
    like(m, "| gemm\\_a | other | ", "gemm_a row");
    free(m);
}

static void test_json(const gp_analysis *a)
{
    char *j = render(a, GP_REPORT_JSON, 0);

    like(j, "\"schema\": \"gpupack.report\"", "schema name");
    like(j, "\"schema_version\": 1", "schema version");
    like(j, "\"busy_ns\": 45000", "summary busy");
    like(j, "\"idle_ns\": 42000", "summary idle");
    like(j, "\"analysis\": {", "the analysis embedded");
    like(j, "\"name\": \"<script>alert(1)</script>\"", "names as JSON strings");
    free(j);
}

static void test_csv(const gp_analysis *a)
{
    char *k = render(a, GP_REPORT_CSV, GP_TABLE_KERNELS);
    char *s = render(a, GP_REPORT_CSV, GP_TABLE_SAMPLES);
    char *g = render(a, GP_REPORT_CSV, GP_TABLE_GAPS);

    like(k, "rank,name,short_name,kind,", "kernels header");
    like(k, ",kernel,other,", "kinds and classes");
    like(k, ",3,30000,10000,10000,10000\r\n", "gemm_a: 3 kernels, 30 us, min = max = mean 10 us");
    like(k, "\"\"\"><img src=x onerror=alert(1)>\"", "a quote in a name is doubled, field quoted");
    is_int(count(k, "\r\n"), 5, "header + 4 kernel names");
    is_int(count(s, "\r\n"), 4, "header + 3 samples");
    like(s, "nvml.gpu_util,0,50000,0,60\r\n", "the middle sample");
    like(g, "rank,device,cause,start_ns,end_ns,duration_ns,host_label\r\n", "gaps header");
    free(k);
    free(s);
    free(g);
}

static void test_chrome(const gp_analysis *a)
{
    char *c = render(a, GP_REPORT_CHROME, 0);

    like(c, "{\"displayTimeUnit\":\"ns\"", "a trace object");
    is_int(count(c, "{\"name\":\"gemm_a\",\"cat\":\"kernel\",\"ph\":\"X\""), 3, "3 gemm_a slices");
    like(c, "\"ts\":10.000,\"dur\":10.000", "ts and dur in microseconds");
    like(c, "\"name\":\"<script>alert(1)</script>\"", "names JSON-escaped (no HTML here)");
    like(c, "\"ph\":\"C\"", "counter events");
    like(c, "\"name\":\"thread_name\",\"ph\":\"M\"", "stream names");
    free(c);
}

static void test_diff(const gp_analysis *base, const gp_analysis *next)
{
    gp_diff *d = gp_diff_compute(base, next);
    char *buf = NULL;
    size_t len = 0;
    FILE *m;

    ok(d != NULL, "diff computed");
    if (!d)
        return;
    is_int(d->n_status[GP_DIFF_SLOWER], 1, "gemm_a slower");
    is_int(d->n_status[GP_DIFF_REMOVED], 1, "<script> removed");
    is_int(d->n_status[GP_DIFF_ADDED], 1, "added_k added");
    is_int(d->n_status[GP_DIFF_SAME], 2, "img and pipe unchanged");
    for (size_t i = 0; i < d->n_kernels; i++)
        if (strcmp(d->kernels[i].name, "gemm_a") == 0) {
            is_int(d->kernels[i].base_ns, 30 * US, "gemm_a base 30 us");
            is_int(d->kernels[i].new_ns, 60 * US, "gemm_a new 60 us");
        }
    is_int(d->new.busy_ns, 67 * US, "new busy 60 + 4 + 1 + 2 us");
    m = open_memstream(&buf, &len);
    ok(gp_diff_write(m, d, GP_DIFF_HTML, "a<b", "c", 0) == 0, "diff HTML");
    fclose(m);
    like(buf, "a&lt;b", "labels escaped");
    like(buf, "&lt;script&gt;", "removed kernel escaped");
    ok(!strstr(buf, "<script"), "no raw tag in the diff page");
    free(buf);
    buf = NULL;
    m = open_memstream(&buf, &len);
    ok(gp_diff_write(m, d, GP_DIFF_TEXT, "a", "b", 0) == 0, "diff text");
    fclose(m);
    like(buf, "Kernels slower: 1", "text lists the slower kernel");
    like(buf, "+30.0 us (+100.0 %)", "gemm_a doubled");
    free(buf);
    gp_diff_free(d);
}

static void test_outfile(void)
{
    const char *p = tmpdir_path("out.txt");
    gp_error err = { 0 };
    gp_outfile o;
    DIR *dir;
    struct dirent *e;
    int files = 0;
    FILE *f;
    char line[32] = "";

    ok(gp_outfile_open(&o, p, 0, &err) == GP_OK, "open a new file");
    fputs("one\n", o.f);
    ok(gp_outfile_commit(&o, &err) == GP_OK, "commit");
    ok(gp_outfile_open(&o, p, 0, &err) == GP_ERR_EXISTS, "refuses to overwrite");
    like(err.msg, "already exists", "says why");
    ok(gp_outfile_open(&o, p, 1, &err) == GP_OK, "overwrites with force");
    fputs("two\n", o.f);
    gp_outfile_abort(&o);
    f = fopen(p, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
        fclose(f);
    }
    is_str(line, "one\n", "an aborted write leaves the old file");
    dir = opendir(tmpdir());
    while (dir && (e = readdir(dir)))
        files += e->d_name[0] != '.';
    if (dir)
        closedir(dir);
    is_int(files, 1, "and no temporary file");
}

int main(void)
{
    gp_job *jb = NULL, *jn = NULL;
    gp_analysis *b, *n;

    if (tmpdir_create() < 0)
        return 1;
    test_escape();
    test_cut();
    test_series_edges();
    test_formats();
    test_outfile();
    if (write_trace(tmpdir_path("base.gpupack"), base_k, sizeof base_k / sizeof *base_k, 3) < 0 ||
        write_trace(tmpdir_path("next.gpupack"), next_k, sizeof next_k / sizeof *next_k, 0) < 0) {
        printf("Bail out! cannot write the test traces\n");
        return 1;
    }
    b = load(tmpdir_path("base.gpupack"), &jb);
    n = load(tmpdir_path("next.gpupack"), &jn);
    ok(b && n, "traces load and analyze");
    if (b && n) {
        test_summary(b);
        test_html(b);
        test_md(b);
        test_json(b);
        test_csv(b);
        test_chrome(b);
        test_diff(b, n);
    }
    gp_analysis_free(b);
    gp_analysis_free(n);
    gp_job_free(jb);
    gp_job_free(jn);
    tmpdir_remove();
    return done_testing();
}
