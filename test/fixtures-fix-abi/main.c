/* Calls the shims `ffi-guard fix` generated for lib.rs, through the header `ffi-guard header` wrote. */
#include <stdio.h>
#include "generated.h"

int main(void) {
    size_t n = 0;
    if (count_chars("h\xc3\xa9llo", &n) != 0) return 10;
    printf("count_chars %zu\n", n);
    if (count_chars(NULL, &n) != -1) return 11;
    if (count_chars("\xff", &n) != -1) return 12;

    int32_t xs[] = {1, 2, 3, 4};
    int64_t total = 0;
    if (sum(xs, 4, &total) != 0) return 20;
    printf("sum %lld\n", (long long)total);
    if (sum(NULL, 0, &total) != 0 || total != 0) return 21;
    if (sum(NULL, 3, &total) != -1) return 22;

    char *g = greeting("world");
    if (!g) return 30;
    printf("greeting %s\n", g);
    ffi_guard_free_string(g);
    if (greeting(NULL) != NULL) return 31;

    uint32_t h = 0;
    bool even = half(10, &h);
    printf("half %d %u\n", even, h);
    printf("half %d\n", half(3, &h));

    uint32_t c = 0;
    if (next_char('a', &c) != 0) return 40;
    printf("next_char %c\n", (char)c);
    if (next_char(0xD800, &c) != -1) return 41;

    size_t len = 0;
    uint8_t *d = digits(4096, &len);
    printf("digits %.*s\n", (int)len, (const char *)d);
    ffi_guard_free_u8_array(d, len);
    return 0;
}
