# The two commands of the README. Both bootstrap what a fresh machine lacks (tools/run.sh).
.PHONY: up test
up:
	@bash tools/run.sh up
test:
	@bash tools/run.sh test
