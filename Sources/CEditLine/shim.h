#ifndef ZAVA_CEDITLINE_SHIM_H
#define ZAVA_CEDITLINE_SHIM_H
// libedit's readline-compatible API plus accessors for the C globals Swift 6 cannot touch.
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <editline/readline.h>

static inline FILE *zava_stdout(void) { return stdout; }
static inline FILE *zava_stderr(void) { return stderr; }
static inline void zava_set_history_length(int n) { stifle_history(n); }
static inline void zava_set_completion_function(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline void zava_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void zava_set_basic_word_break_characters(const char *s) { rl_basic_word_break_characters = (char *)s; }
static inline const char *zava_line_buffer(void) { return rl_line_buffer; }
static inline void zava_set_catch_signals(int on) { rl_catch_signals = on; }
static inline const char *zava_last_history_line(void) {
    HIST_ENTRY *entry = history_get(history_base + history_length - 1);
    return entry ? entry->line : NULL;
}
static inline void zava_set_attempted_completion_over(int on) { rl_attempted_completion_over = on; }

// SIGINT is turned into a flag: readline returns (EINTR) and a running query is cancelled.
static volatile sig_atomic_t zava_sigint_seen = 0;
static inline void zava_sigint_handler(int signo) { (void)signo; zava_sigint_seen = 1; }
static inline void zava_install_sigint_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = zava_sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: a blocked read() returns EINTR */
    sigaction(SIGINT, &action, NULL);
}
static inline int zava_take_sigint(void) { int seen = zava_sigint_seen; zava_sigint_seen = 0; return seen; }
#endif
