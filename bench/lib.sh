# lib.sh - what the shell benchmarks of bench/ share, sourced after HERE is
# set: a free port of 127.0.0.1, and waiting for a server to answer.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_up() { # wait_up URL PID: 0 once URL answers, 1 if PID died or 10 s passed
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
