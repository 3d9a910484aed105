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

# Build, create the database with the built-in data, and serve what exists.
serve: build
	./$(BUILD)/c2c --db $(DB) init
	./$(BUILD)/c2c --db $(DB) stats
	@echo "c2c: the HTTP server arrives with the web issue; until then use ./$(BUILD)/c2c (see 'c2c help')."

# Every test: unit tests, CLI tests, and both again under ASan+UBSan.
check: build
	@test -f $(ASAN_BUILD)/build.ninja || meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug >/dev/null
	ninja -C $(ASAN_BUILD)
	sh tests/run.sh $(BUILD) $(ASAN_BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
