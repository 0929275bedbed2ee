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
// Keeps only the latest copy of each entry (a history file that several REPLs appended to).
static inline void zava_history_compact(void) {
    int count = history_length, kept = 0;
    char **lines = (char **)malloc(sizeof(char *) * (count > 0 ? count : 1));
    if (lines == NULL) return;
    for (int i = count - 1; i >= 0; i--) {
        HIST_ENTRY *entry = history_get(history_base + i);
        if (!entry || !entry->line) continue;
        int seen = 0;
        for (int j = 0; j < kept && !seen; j++) seen = strcmp(lines[j], entry->line) == 0;
        if (!seen) lines[kept++] = strdup(entry->line);
    }
    if (kept != count) {
        clear_history();
        for (int i = kept - 1; i >= 0; i--) add_history(lines[i]);
    }
    for (int i = 0; i < kept; i++) free(lines[i]);
    free(lines);
}
static inline void zava_set_attempted_completion_over(int on) { rl_attempted_completion_over = on; }

// The terminal's size (ioctl is variadic, which Swift cannot call); 0 when not a terminal.
static inline int zava_terminal_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 0;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 1;
}

// State shared between the signal handler, libedit's callbacks and Swift lives in
// editline_state.c, defined once: a function-local static of a `static inline` header
// function gets one copy per Swift object file once the optimiser inlines it (release builds),
// so the copy a callback read was never the one Swift wrote.

// The REPL's completer, handed to libedit's context-free completion callback.
void **zava_completion_context(void);

// SIGINT is turned into a flag: readline returns (EINTR) and a running query is cancelled.
// Any thread may receive the signal; it is forwarded to the thread blocked in readline.
void zava_install_sigint_handler(void);
void zava_begin_reading(void);
void zava_end_reading(void);
int zava_take_sigint(void);

// libedit retries a read() interrupted by a signal; reading through this function instead
// makes Ctrl-C at the prompt end readline() at once (it returns NULL and the flag says why).
// A TAB that arrives together with more input (a paste) is inserted as text instead of
// starting completion.
void zava_use_interruptible_getc(void);

// The user's locale (LC_ALL=""), with UTF-8 character handling where it has none, so typed
// non-ASCII text arrives intact (libedit drops it in the "C" locale).
void zava_use_environment_locale(void);
#endif
