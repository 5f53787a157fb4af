/* Drives the kvstore cdylib through its generated header; test/header.test.ts compares the output. */
#include <stdio.h>
#include <string.h>
#include "kvstore.h"

static int rejected = 0;

static void on_reject(const char *key, void *user) {
    rejected += 1;
    printf("rejected %s (%s)\n", key, (const char *)user);
}

static int print_entry(const char *key, const struct Value *value, void *user) {
    int *count = (int *)user;
    *count += 1;
    switch (value->kind) {
    case ValueKind_Int: printf("%s = %lld (%s)\n", key, (long long)value->data.int_, kv_kind_name(value->kind)); break;
    case ValueKind_Real: printf("%s = %.2f (%s)\n", key, value->data.real, kv_kind_name(value->kind)); break;
    case ValueKind_Flag: printf("%s = %s (%s)\n", key, value->data.flag ? "true" : "false", kv_kind_name(value->kind)); break;
    }
    return *count >= 2; /* stop after two entries */
}

int main(void) {
    printf("abi %u version %u name %s max %zu\n", KV_ABI_VERSION, kv_version(), (const char *)KV_NAME, KV_MAX_KEY);
    printf("sizes value %zu data %zu stats %zu options %zu kind %zu status %zu\n", sizeof(struct Value), sizeof(union ValueData),
           sizeof(struct KvStats), sizeof(struct KvOptions), sizeof(ValueKind), sizeof(enum KvStatus));

    struct KvOptions options = { 3, on_reject, "full" };
    struct KvStore *store = kv_new(&options);
    struct Value v;
    v.kind = ValueKind_Int; v.data.int_ = 42;
    enum KvStatus s1 = kv_put(store, "answer", v);
    v.kind = ValueKind_Real; v.data.real = 2.5;
    enum KvStatus s2 = kv_put(store, "ratio", v);
    v.kind = ValueKind_Flag; v.data.flag = true;
    enum KvStatus s3 = kv_put(store, "enabled", v);
    enum KvStatus s4 = kv_put(store, "overflow", v);
    printf("put %d %d %d %d ok %d %d full %d\n", s1, s2, s3, s4, kv_is_ok(s1), kv_is_ok(s4), s4 == KvStatus_Full);

    struct Value out;
    enum KvStatus g1 = kv_get(store, "answer", &out);
    enum KvStatus g2 = kv_get(store, "missing", &out);
    enum KvStatus g3 = kv_get(store, NULL, &out);
    printf("get %d %lld missing %d bad %d\n", g1, (long long)out.data.int_, g2 == KvStatus_NotFound, g3 == KvStatus_BadKey);

    struct KvStats st = kv_stats(store);
    printf("stats entries %zu longest %u histogram %u %u %u %u reals %d\n", st.entries, st.longest_key, st.histogram[0], st.histogram[1],
           st.histogram[2], st.histogram[3], st.has_reals);

    int count = 0;
    size_t seen = kv_visit(store, print_entry, &count);
    printf("visited %zu\n", seen);

    struct geo_Point a = { 1, 2 }, b = { 4, -2 };
    struct screen_Point p = { 1.5f, 2.0f };
    struct screen_Point q = kv_screen_shift(p, 0.25f);
    printf("distance %d shifted %.2f %.2f abs %d rejected %d\n", kv_grid_distance(a, b), q.x, q.y, kv_abs(-7), rejected);
    struct Lookup l0 = kv_lookup(0), l1 = kv_lookup(5), l2 = kv_lookup(-9);
    struct Small b0 = kv_small(0), b1 = kv_small(200);
    printf("lookup %d %d %u %d %lld %u size %zu small %d %d %u size %zu\n", l0.tag == Lookup_Missing, l1.tag == Lookup_Count,
           l1.payload.Count._0, l2.tag == Lookup_Span, (long long)l2.payload.Span.start, l2.payload.Span.len, sizeof(struct Lookup),
           b0.tag == Small_Nothing, b1.tag == Small_Byte, b1.payload.Byte._0, sizeof(struct Small));
    kv_free(store);
    return 0;
}
