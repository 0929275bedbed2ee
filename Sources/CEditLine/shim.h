#ifndef ZAVA_CEDITLINE_SHIM_H
#define ZAVA_CEDITLINE_SHIM_H
// libedit's readline-compatible API plus accessors for the C globals Swift 6 cannot touch.
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <pthread.h>
#include <sys/ioctl.h>
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
// Adds `line` to the history, first dropping any earlier copy (history de-duplication).
// The list is rebuilt only when a copy exists: positions in libedit's history API are not
// stable across removals, additions are.
static inline void zava_history_add_unique(const char *line) {
    int count = history_length, kept = 0;
    char **lines = (char **)malloc(sizeof(char *) * (count > 0 ? count : 1));
    if (lines == NULL) { add_history(line); return; }
    for (int i = 0; i < count; i++) {
        HIST_ENTRY *entry = history_get(history_base + i);
        if (entry && entry->line && strcmp(entry->line, line) != 0) lines[kept++] = strdup(entry->line);
    }
    if (kept != count) {
        clear_history();
        for (int i = 0; i < kept; i++) add_history(lines[i]);
    }
    for (int i = 0; i < kept; i++) free(lines[i]);
    free(lines);
    add_history(line);
}
static inline void zava_set_attempted_completion_over(int on) { rl_attempted_completion_over = on; }

// Completion calls back into C with no context argument: the REPL's completer is kept here.
static inline void **zava_completion_context(void) { static void *context = NULL; return &context; }

// The terminal's size (ioctl is variadic, which Swift cannot call); 0 when not a terminal.
static inline int zava_terminal_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 0;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 1;
}

// SIGINT is turned into a flag: readline returns (EINTR) and a running query is cancelled.
// Any thread may receive the signal; it is forwarded to the thread blocked in readline so
// that its read() is interrupted. (State lives in function-local statics: Swift's importer
// emits those reliably, unlike file-scope statics of a header.)
typedef struct { volatile sig_atomic_t seen; volatile sig_atomic_t reading; volatile unsigned long reader; } zava_sigint_state;
static inline zava_sigint_state *zava_sigint(void) { static zava_sigint_state state = {0, 0, 0}; return &state; }
static inline void zava_sigint_handler(int signo) {
    zava_sigint_state *state = zava_sigint();
    state->seen = 1;
    if (state->reading && !pthread_equal(pthread_self(), (pthread_t)state->reader)) {
        pthread_kill((pthread_t)state->reader, signo);
    }
}
static inline void zava_begin_reading(void) {
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL); /* threads may inherit a blocked mask */
    zava_sigint()->reader = (unsigned long)pthread_self();
    zava_sigint()->reading = 1;
}
static inline void zava_end_reading(void) { zava_sigint()->reading = 0; }
static inline void zava_install_sigint_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = zava_sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: a blocked read() returns EINTR */
    sigaction(SIGINT, &action, NULL);
}

// libedit retries a read() interrupted by a signal; reading through this function instead
// makes Ctrl-C at the prompt end readline() at once (it returns NULL and the flag says why).
static inline int zava_interruptible_getc(FILE *stream) {
    unsigned char c;
    for (;;) {
        ssize_t n = read(fileno(stream), &c, 1);
        if (n == 1) return c;
        if (n == -1 && errno == EINTR) {
            if (zava_sigint()->seen) return EOF;
            continue;
        }
        return EOF;
    }
}
static inline void zava_use_interruptible_getc(void) { rl_getc_function = zava_interruptible_getc; }

static inline int zava_take_sigint(void) { int seen = zava_sigint()->seen; zava_sigint()->seen = 0; return seen; }
#endif
