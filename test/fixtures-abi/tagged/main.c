/* Calls the tagged-type shims of test/fixtures-fix/tagged-option-result/after.rs through the generated header. */
#include <stdio.h>
#include "tagged.h"

int main(void) {
    struct FfiOption_u64 none = find(0), some = find(21);
    printf("find %d %d %llu\n", none.tag == FfiOption_u64_None, some.tag == FfiOption_u64_Some, (unsigned long long)some.payload.Some._0);

    struct FfiResult_u32__i32 ok = checked_div(7, 2), err = checked_div(1, 0);
    printf("checked_div %d %u %d %d\n", ok.tag == FfiResult_u32__i32_Ok, ok.payload.Ok._0, err.tag == FfiResult_u32__i32_Err, err.payload.Err._0);

    struct FfiResult____u8 valid = validate(3), invalid = validate(42);
    printf("validate %d %d %u\n", valid.tag == FfiResult____u8_Ok, invalid.tag == FfiResult____u8_Err, invalid.payload.Err._0);

    struct FfiOption_f64 factor = { .tag = FfiOption_f64_Some, .payload.Some._0 = 2.5 }, no_factor = { .tag = FfiOption_f64_None };
    printf("scale %.2f %.2f\n", scale(factor, 4.0), scale(no_factor, 4.0));
    return 0;
}
