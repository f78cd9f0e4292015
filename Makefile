# leakscan — thin wrapper over CMake/ctest. See README.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 30
export LS_LAB_DIR ?= /tmp/leakscan-lab

.PHONY: all deps configure check check-asan test demo bench fuzz lab-up lab-down clean format

all: configure
	cmake --build $(BUILD) -j$(JOBS)

deps:
	bash scripts/deps.sh

configure:
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

# Everything: packages, build, the real lab servers, every test; stops what it started.
check: deps all
	bash scripts/check.sh $(BUILD)

# The same suite under AddressSanitizer + UBSan (CI runs it too).
check-asan: deps
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLS_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	bash scripts/check.sh $(ASAN_BUILD)

lab-up: deps all
	LS_BUILD_DIR=$(abspath $(BUILD)) bash lab/lab.sh up

lab-down:
	bash lab/lab.sh down

demo: lab-up
	bash scripts/demo.sh $(BUILD)

bench: deps all
	bash bench/run.sh $(BUILD)

fuzz: deps
	@test -f $(FUZZ_BUILD)/CMakeCache.txt || cmake -S . -B $(FUZZ_BUILD) -DLS_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzzers
	bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
