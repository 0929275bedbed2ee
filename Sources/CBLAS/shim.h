#ifndef MINILM_CBLAS_SHIM_H
#define MINILM_CBLAS_SHIM_H

// OpenBLAS's cblas.h also declares openblas_get_corename / openblas_get_num_threads.
#include <cblas.h>
#include <dlfcn.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/// 1 when the CPU and the OS both support the AVX-512 subsets that OpenBLAS's SkylakeX
/// kernels use (F, DQ, BW, VL, plus ZMM/opmask state enabled in XCR0), else 0.
/// Written with cpuid/xgetbv so it needs no runtime library support.
static inline int minilm_cpu_has_avx512_skylakex(void) {
#if defined(__x86_64__)
    unsigned int a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27))) return 0; /* OSXSAVE */
    unsigned int lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6u) != 0xE6u) return 0; /* XMM, YMM, opmask, ZMM_Hi256, Hi16_ZMM */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned int need = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
    return (b & need) == need;
#else
    return 0;
#endif
}

/// 1 when the CPU and OS support AVX2 + FMA (OpenBLAS's Haswell kernels), else 0.
static inline int minilm_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    unsigned int a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27)) || !(c & (1u << 12))) return 0; /* OSXSAVE, FMA */
    unsigned int lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0x6u) != 0x6u) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 5)) != 0; /* AVX2 */
#else
    return 0;
#endif
}

/// OpenBLAS is loaded on first use, not at program start: its load-time constructor starts
/// worker threads that busy-wait (sched_yield) for ~0.1 s, which a REPL or `zava -c` that
/// never embeds anything should not pay for on a two-core machine. NULL when not installed.
static inline void *minilm_openblas(void) {
    static void *handle = NULL;
    if (handle == NULL) handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) handle = dlopen("libopenblas.so", RTLD_NOW | RTLD_GLOBAL);
    return handle;
}

static inline const char *minilm_openblas_corename(void) {
    static char *(*function)(void) = NULL;
    if (function == NULL && minilm_openblas()) function = (char *(*)(void))dlsym(minilm_openblas(), "openblas_get_corename");
    return function ? function() : NULL;
}

static inline int minilm_openblas_num_threads(void) {
    static int (*function)(void) = NULL;
    if (function == NULL && minilm_openblas()) function = (int (*)(void))dlsym(minilm_openblas(), "openblas_get_num_threads");
    return function ? function() : 0;
}

typedef void (*minilm_sgemm_function)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint, blasint,
                                      blasint, float, const float *, blasint, const float *, blasint, float, float *, blasint);

/// The sgemm entry point, or NULL when OpenBLAS is missing (checked once, before use).
static inline minilm_sgemm_function minilm_sgemm_entry(void) {
    static minilm_sgemm_function function = NULL;
    if (function == NULL && minilm_openblas()) function = (minilm_sgemm_function)dlsym(minilm_openblas(), "cblas_sgemm");
    return function;
}

/// Row-major C = alpha·A·op(B) + beta·C (A not transposed).
/// Does nothing when OpenBLAS is missing (callers check `BLAS.isAvailable` first; a bench
/// that did not gets a failed self-check rather than a crash).
static inline void minilm_sgemm(int transposeB, int m, int n, int k, float alpha, const float *a, int lda,
                                const float *b, int ldb, float beta, float *c, int ldc) {
    minilm_sgemm_function sgemm = minilm_sgemm_entry();
    if (sgemm == NULL) return;
    sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda,
                         b, ldb, beta, c, ldc);
}

/// Re-runs OpenBLAS's DYNAMIC_ARCH kernel selection with OPENBLAS_CORETYPE=`core`.
///
/// OpenBLAS reads OPENBLAS_CORETYPE only in its load-time constructor, which runs before
/// main(). Its dynamic builds (Debian's included) export gotoblas_dynamic_quit/init, which
/// are exactly the two steps that constructor performs for kernel selection; calling them
/// again before any concurrent BLAS call switches the kernel table in place. The symbols are
/// looked up at run time so a non-dynamic OpenBLAS still links (and returns -1 here).
/// Returns 0 on success, -1 when the symbols are missing, -2 when setenv fails.
static inline int minilm_openblas_reselect_core(const char *core) {
    void *quitSymbol = dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
    void *initSymbol = dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    if (quitSymbol == NULL || initSymbol == NULL) return -1;
    if (setenv("OPENBLAS_CORETYPE", core, 1) != 0) return -2;
    ((void (*)(void))quitSymbol)();
    ((void (*)(void))initSymbol)();
    return 0;
}

#endif
