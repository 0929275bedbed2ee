#include "zava_editline.h"
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <wchar.h>

static void *completion_context = NULL;

void **zava_completion_context(void) { return &completion_context; }

typedef struct { volatile sig_atomic_t seen; volatile sig_atomic_t reading; volatile unsigned long reader; } sigint_state;
static sigint_state sigint = {0, 0, 0};

static void sigint_handler(int signo) {
    sigint.seen = 1;
    if (sigint.reading && !pthread_equal(pthread_self(), (pthread_t)sigint.reader)) {
        pthread_kill((pthread_t)sigint.reader, signo);
    }
}

void zava_install_sigint_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: a blocked read() returns EINTR */
    sigaction(SIGINT, &action, NULL);
}

void zava_begin_reading(void) {
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL); /* threads may inherit a blocked mask */
    sigint.reader = (unsigned long)pthread_self();
    sigint.reading = 1;
}

void zava_end_reading(void) { sigint.reading = 0; }

int zava_take_sigint(void) {
    int seen = sigint.seen;
    sigint.seen = 0;
    return seen;
}

/* Whether more input is already waiting: typed keys come one read at a time, a paste at once. */
static int input_pending(int fd) {
    struct pollfd descriptor = {fd, POLLIN, 0};
    return poll(&descriptor, 1, 0) > 0;
}

/* A TAB read with more input right behind it is pasted text: it is handed to libedit as
   Ctrl-V (quoted insert) and then itself, so it is inserted instead of starting completion. */
static int quoted_tab = 0;

/* One byte, retried on EINTR unless Ctrl-C was pressed; -1 at the end or on Ctrl-C. */
static int read_byte(int fd) {
    unsigned char c;
    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n == 1) return c;
        if (n == -1 && errno == EINTR) {
            if (sigint.seen) return -1;
            continue;
        }
        return -1;
    }
}

/* libedit's readline layer takes whatever this returns as one wide character, so a multibyte
   character (UTF-8 in a UTF-8 locale) is decoded here, byte by byte, with mbrtowc. */
static int interruptible_getc(FILE *stream) {
    int fd = fileno(stream);
    if (quoted_tab) {
        quoted_tab = 0;
        return '\t';
    }
    mbstate_t state;
    memset(&state, 0, sizeof state);
    for (;;) {
        int byte = read_byte(fd);
        if (byte < 0) return EOF;
        if (byte == '\t' && input_pending(fd)) {
            quoted_tab = 1;
            return 0x16; /* Ctrl-V */
        }
        char single = (char)byte;
        wchar_t wide;
        size_t used = mbrtowc(&wide, &single, 1, &state);
        if (used == (size_t)-2) continue;          /* the middle of a multibyte character */
        if (used == (size_t)-1) return byte;       /* not valid in this locale: the byte itself */
        return used == 0 ? 0 : (int)wide;
    }
}

void zava_use_interruptible_getc(void) { rl_getc_function = interruptible_getc; }

void zava_use_environment_locale(void) {
    setlocale(LC_ALL, "");
    /* SQL reaches the server as UTF-8: with no UTF-8 locale (LANG unset means "C"), input is
       read as UTF-8 anyway, as a terminal that sends it. */
    const char *codeset = nl_langinfo(CODESET);
    if (codeset == NULL || (strcmp(codeset, "UTF-8") != 0 && strcmp(codeset, "utf8") != 0)) {
        setlocale(LC_CTYPE, "C.UTF-8");
    }
}
