/* child.c: starting the recorded job. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recorder/internal.h"

extern char **environ;

/* environ with extra entries replacing or adding; NULL if out of memory. */
static char **build_env(char *const *extra)
{
    size_t n = 0, m = 0, k = 0;
    char **env;

    while (environ[n])
        n++;
    while (extra[m])
        m++;
    env = calloc(n + m + 1, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(environ[i], "=");
        int replaced = 0;
        for (size_t j = 0; j < m; j++)
            if (strncmp(extra[j], environ[i], len) == 0 && extra[j][len] == '=')
                replaced = 1;
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = extra[j];
    env[k] = NULL;
    return env;
}

pid_t gp_rec_spawn(char *const *argv, char *const *extra_env, gp_error *err)
{
    int pipefd[2], child_errno = 0;
    char **env = build_env(extra_env);
    pid_t pid;
    ssize_t n;

    if (!env) {
        gp_error_set(err, GP_ERR_NOMEM, "out of memory");
        return -1;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        free(env);
        gp_error_set(err, GP_ERR_IO, "cannot start '%s': %s", argv[0], strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        int e = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        free(env);
        gp_error_set(err, GP_ERR_IO, "cannot start '%s': %s", argv[0], strerror(e));
        return -1;
    }
    if (pid == 0) {
        struct sigaction sa;
        sigset_t none;

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        for (int s = 1; s < NSIG; s++)
            sigaction(s, &sa, NULL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        close(pipefd[0]);
        environ = env;
        execvp(argv[0], argv);
        child_errno = errno;
        if (write(pipefd[1], &child_errno, sizeof child_errno) < 0)
            _exit(127);
        _exit(127);
    }
    close(pipefd[1]);
    free(env);
    do
        n = read(pipefd[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n == (ssize_t)sizeof child_errno) {
        gp_error_set(err, GP_ERR_USAGE, "cannot run '%s': %s", argv[0], strerror(child_errno));
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ; /* reap the child, which exited with 127 */
        return -1;
    }
    return pid;
}

static int readable(const char *p)
{
    return access(p, R_OK) == 0;
}

gp_status gp_rec_collector_path(char *out, size_t cap, gp_error *err)
{
    const char *env = getenv("GPUPACK_COLLECTOR");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env) {
        if (!readable(env))
            return gp_error_set(err, GP_ERR_USAGE, "GPUPACK_COLLECTOR=%s: %s", env,
                                strerror(errno));
        snprintf(out, cap, "%s", env);
        return GP_OK;
    }
    /* Running from the build tree: the library sits in collector/.libs. */
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        char *slash;
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(out, cap, "%s/collector/.libs/libgpupack_collector.so", exe);
            if (readable(out))
                return GP_OK;
        }
    }
    snprintf(out, cap, "%s/libgpupack_collector.so", GP_PKGLIBDIR);
    if (readable(out))
        return GP_OK;
    return gp_error_set(err, GP_ERR_INTERNAL,
                        "the collector library is missing (looked in %s and next to the gpupack "
                        "program); reinstall gpupack or set GPUPACK_COLLECTOR", GP_PKGLIBDIR);
}

int gp_rec_have_driver(void)
{
    void *h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);

    if (!h)
        return 0;
    dlclose(h); /* never initialized here, so unloading is safe */
    return 1;
}
