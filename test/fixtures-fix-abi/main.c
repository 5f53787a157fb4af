/* Calls the shims `ffi-guard fix` generated for lib.rs, through the header `ffi-guard header` wrote. */
#include <stdio.h>
#include "generated.h"

static void print_word(const uint8_t *word, size_t len, size_t index) {
    printf("word %zu %.*s\n", index, (int)len, (const char *)word);
}

static uint32_t add_offset(void *data, uint32_t x) {
    return x + *(const uint32_t *)data;
}

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
    fixcase_free_string(g);
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
    fixcase_free_u8_array(d, len);

    struct MinMaxOutput mm = min_max(7, -3);
    printf("min_max %d %d\n", mm._0, mm._1);
    struct AreaSize size = {6, 7};
    printf("area %llu\n", (unsigned long long)area(size));

    char *l = label(3);
    if (!l) return 50;
    printf("label %s\n", l);
    fixcase_free_string(l);
    size_t sq_len = 0;
    uint64_t *sq = squares(4, &sq_len);
    printf("squares %zu %llu\n", sq_len, (unsigned long long)sq[3]);
    fixcase_free_u64_array(sq, sq_len);

    void *shape = make_square(2.0);
    if (!shape) return 60;
    double a = 0;
    if (shape_area(shape, &a) != 0) return 61;
    printf("shape_area %.1f\n", a);
    if (shape_area(NULL, &a) != -1) return 62;
    const struct ShapeVTable *vt = fixcase_shape_vtable();
    vt->scale(shape, 1.5);
    printf("vtable area %.1f\n", vt->area(shape));
    vt->free(shape);

    struct Acc acc = {10};
    int32_t more[] = {1, 2};
    int64_t t = 0;
    if (acc_add(&acc, more, 2, &t) != 0) return 70;
    printf("acc_add %lld\n", (long long)t);
    if (acc_add(NULL, more, 2, &t) != -1) return 71;
    size_t words = 0;
    if (each_word("two words", print_word, &words) != 0) return 60;
    printf("each_word %zu\n", words);
    if (each_word("x", NULL, &words) != -1) return 61;

    struct Tally *tally = tally_new("a b a c");
    if (!tally) return 80;
    size_t distinct = 0;
    if (tally_distinct(tally, &distinct) != 0) return 81;
    printf("tally_distinct %zu\n", distinct);
    struct Tally *spare = tally_new("x");
    fixcase_free_tally(spare);

    char *hi = greet_maybe("ann");
    if (!hi) return 90;
    printf("greet_maybe %s\n", hi);
    fixcase_free_string(hi);
    if (greet_maybe(NULL) != NULL) return 91;

    char loud[] = "quiet";
    shout((uint8_t *)loud, 5);
    printf("shout %s\n", loud);

    size_t abc_len = 0;
    const uint8_t *abc = alphabet(&abc_len);
    printf("alphabet %.*s\n", (int)abc_len, (const char *)abc);

    printf("with_unit %u\n", with_unit(21));

    struct FfiResult_u32__i32 ok = {.tag = FfiResult_u32__i32_Ok, .payload.Ok = {._0 = 5}};
    struct FfiResult_u32__i32 err = {.tag = FfiResult_u32__i32_Err, .payload.Err = {._0 = 7}};
    printf("settle %lld %lld\n", (long long)settle(ok), (long long)settle(err));

    char *stem = file_stem("/tmp/report.txt");
    if (!stem) return 100;
    printf("file_stem %s\n", stem);
    fixcase_free_string(stem);
    if (file_stem("/") != NULL) return 101;
    const char *ws[] = {"ab", "abcd", "a"};
    size_t longest_len = 0;
    if (longest(ws, 3, &longest_len) != 0) return 110;
    printf("longest %zu\n", longest_len);
    const char *holes[] = {"ab", NULL};
    if (longest(holes, 2, &longest_len) != -1) return 111;
    char *ver = NULL;
    if (version(2, &ver) != 0 || !ver) return 120;
    printf("version %s\n", ver);
    fixcase_free_string(ver);
    if (version(0, &ver) != 1) return 121;
    uint32_t offset = 10, mapped = 0;
    if (sum_mapped(3, add_offset, &offset, &mapped) != 0) return 130;
    printf("sum_mapped %u\n", mapped);
    if (sum_mapped(3, NULL, &offset, &mapped) != -1) return 131;
    const uint8_t b1[] = {1, 2, 3}, b2[] = {4};
    const uint8_t *bufs[] = {b1, b2};
    size_t lens[] = {3, 1}, buffered = 0;
    if (total_len(bufs, lens, 2, &buffered) != 0) return 140;
    printf("total_len %zu\n", buffered);
    return 0;
}
