# The two commands of the README.  Meson and Ninja do the building; this
# file only strings the steps together.
BUILD ?= build
ASAN_BUILD ?= build-asan
DB ?= c2c.db

.PHONY: serve check deps build clean

deps:
	@sh scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) >/dev/null

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Build, create the database with the built-in data, and serve it over HTTP
# (http://127.0.0.1:8080/) in the foreground until Ctrl-C.
serve: build
	./$(BUILD)/c2c --db $(DB) init
	./$(BUILD)/c2c --db $(DB) stats
	./$(BUILD)/c2c --db $(DB) serve

# Every test: unit tests, CLI tests, and both again under ASan+UBSan.
check: build
	@test -f $(ASAN_BUILD)/build.ninja || meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug >/dev/null
	ninja -C $(ASAN_BUILD)
	sh tests/run.sh $(BUILD) $(ASAN_BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
