# Frontend package (pages, JSON API, image files). See Frontend/README.md.
#   make screenshots     throwaway MariaDB + seeded data + the frontend + headless Chromium:
#                        regenerates .build-logs/screenshots/{images,image,image-failed,people}.png, then
#                        make test-browser (mk/browser.mk) saves the people-management flows as browser-*.png
#   make frontend-test   the Frontend package's tests alone (needs chromium; make setup installs it)

FE_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

.PHONY: screenshots frontend-test

screenshots: setup test-data
	@$(FE_ROOT)/Frontend/scripts/screenshots.sh

frontend-test: setup test-data
	@PACKAGES=Frontend $(FE_ROOT)/scripts/test.sh
