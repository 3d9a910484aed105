# The two commands of the README.  Meson and Ninja do the building; this
# file only strings the steps together.
BUILD ?= build
ASAN_BUILD ?= build-asan
DB ?= c2c.db

.PHONY: serve check deps build web clean

deps:
	@sh scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) >/dev/null

build: deps $(BUILD)/build.ninja web
	ninja -C $(BUILD)

# The web pages (docs/web.md): npm installs web/'s packages when the lock is
# newer than what is installed, and builds web/dist when a source is newer.
WEB_SRC := web/package.json web/build.mjs $(wildcard web/src/*)
web: web/dist/index.html
web/node_modules/.package-lock.json: web/package.json $(wildcard web/package-lock.json)
	cd web && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run build

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
