# The two commands of the README. Both bootstrap what a fresh machine lacks (tools/run.sh).
# `make images` builds docker/Dockerfile for every app and ops with podman, without a registry,
# and checks each image answers /health/live (ADR 0029).
.PHONY: up test images
up:
	@bash tools/run.sh up
test:
	@bash tools/run.sh test
images:
	@bash tools/containers/app-images.sh && bash tools/containers/check-images.sh
