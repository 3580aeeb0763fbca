# fuzz.mk: the fuzz harnesses built with clang's libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer, and run. A GNU make file of its own, so the
# configured build (any compiler) stays as it is: `make fuzz` in the build
# folder (tests/fuzz/fuzz.am) runs it with
#   srcdir, builddir   the source tree and the build folder (absolute paths)
#   PKG_CFLAGS, PKG_LIBS  the libraries as configure found them
# and the user's FUZZ_SECONDS (per harness, default 60), FUZZ_TARGETS (the
# harnesses, default all), FUZZ_CC (default clang), FUZZ_FLAGS (more
# libFuzzer options). Everything it writes is under $(builddir)/tests/fuzz/out:
#   fuzz_NAME        the harness programs
#   corpus/NAME/     inputs found while fuzzing (the seeds stay in the tree)
#   crashes/         inputs that crashed, timed out or ran out of memory
#   log/NAME.log     libFuzzer's output
# The parts' sources are compiled anew (every .c of each folder in PARTS,
# with coverage instrumentation) against a copy of the build's config.h
# without NDEBUG, so assertions are checked too.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= json kineto nsys nsys_sql trace trace_sql spool live region demangle
FUZZ_FLAGS ?=

out := $(builddir)/tests/fuzz/out
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS_FUZZ := -std=gnu11 -g -O1 $(SAN) -fsanitize=fuzzer-no-link \
	-MMD -MP -Wno-unused-command-line-argument \
	-I$(out)/include -I$(srcdir) -I$(builddir) $(PKG_CFLAGS) \
	-DGP_PKGLIBDIR='"/nonexistent"'

PARTS := common analyzer/model analyzer/formats analyzer/analyses analyzer/render recorder \
	gpumon cosched tui
PART_SRCS := $(foreach d,$(PARTS),$(wildcard $(srcdir)/$(d)/*.c))
PART_OBJS := $(patsubst $(srcdir)/%.c,$(out)/obj/%.o,$(PART_SRCS)) $(out)/obj/proto/gpupack.pb-c.o
UTIL_OBJS := $(out)/obj/tests/fuzz/fuzz_util.o $(out)/obj/tests/fuzz/sqlprog.o
BINS := $(patsubst %,$(out)/fuzz_%,$(FUZZ_TARGETS))

all: $(BINS)

# Header dependencies of every object, as clang wrote them (-MMD): a changed
# header rebuilds what includes it, so no object keeps an old struct layout.
-include $(shell find $(out)/obj -name '*.d' 2>/dev/null)

$(out)/include/config.h: $(builddir)/config.h
	@mkdir -p $(@D)
	sed '/#define NDEBUG/d' $< > $@

$(out)/obj/proto/gpupack.pb-c.o: $(builddir)/proto/gpupack.pb-c.c $(out)/include/config.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_FUZZ) -c -o $@ $<

$(out)/obj/%.o: $(srcdir)/%.c $(out)/include/config.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_FUZZ) -c -o $@ $<

$(out)/libparts.a: $(PART_OBJS)
	rm -f $@
	ar rcs $@ $^

$(out)/fuzz_%: $(out)/obj/tests/fuzz/fuzz_%.o $(UTIL_OBJS) $(out)/libparts.a
	$(FUZZ_CC) $(SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lm -lpthread -ldl

# run-NAME: one harness for FUZZ_SECONDS over the seeds, the reproducers
# of fixed defects (those found/OPEN does not list are copied to the
# working corpus) and what earlier runs found; fails if it crashed.
# `make -j2 fuzz` runs two at a time.
RUNS := $(patsubst %,run-%,$(FUZZ_TARGETS))
run: $(RUNS)
	@echo "fuzz: all $(words $(FUZZ_TARGETS)) harnesses ran $(FUZZ_SECONDS) s without a crash"

$(RUNS): run-%: $(out)/fuzz_%
	@mkdir -p $(out)/corpus/$* $(out)/crashes $(out)/log
	@for f in $(srcdir)/tests/fuzz/found/$*/*; do \
	  test -f "$$f" || continue; \
	  grep -q "^found/$*/$${f##*/}[[:space:]]" $(srcdir)/tests/fuzz/found/OPEN 2>/dev/null || \
	    cp "$$f" $(out)/corpus/$*/; \
	done; \
	dirs="$(out)/corpus/$* $(srcdir)/tests/fuzz/corpus/$*"; \
	dict=; test -f $(srcdir)/tests/fuzz/$*.dict && dict=-dict=$(srcdir)/tests/fuzz/$*.dict; \
	GP_SRCDIR=$(srcdir) ASAN_OPTIONS=$${ASAN_OPTIONS:-abort_on_error=1} \
	  $(out)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -timeout=25 -rss_limit_mb=2560 \
	  -print_final_stats=1 -artifact_prefix=$(out)/crashes/$*- $$dict $(FUZZ_FLAGS) $$dirs \
	  > $(out)/log/$*.log 2>&1; rc=$$?; \
	runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(out)/log/$*.log | tail -1); \
	if [ $$rc = 0 ]; then \
	  echo "fuzz_$*: $${runs:-?} runs in $(FUZZ_SECONDS) s, no crash"; \
	else \
	  echo "fuzz_$*: FAILED (exit $$rc) after $${runs:-?} runs; from $(out)/log/$*.log:"; \
	  sed -n '/runtime error\|ERROR: \|fuzz harness: /,$$p' $(out)/log/$*.log | head -40; \
	  echo "the input: $$(ls -t $(out)/crashes/$*-* 2>/dev/null | head -1)"; \
	  echo "(replay it: tests/fuzz/replay_$* FILE; keep it in tests/fuzz/found/$*/)"; \
	  exit 1; \
	fi

clean:
	rm -rf $(out)

.PHONY: all run clean $(RUNS)
.SECONDARY:
