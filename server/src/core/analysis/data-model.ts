import { HOST_TARGET } from '../syntax/cfg';

/**
 * The C data model of each supported target: what decides the layout of C-compatible types beyond
 * their fields. Measured with each target's C compiler (`clang --target=T -ffreestanding`:
 * `sizeof(long)`, `sizeof(void *)`, `_Alignof(uint64_t)`, `_Alignof(double)`, `(char)-1 < 0`), and
 * the generated header's `_Static_assert`s compile for each (test/targets.test.ts); the alignments are
 * also rustc's own for each target (`align_of` evaluated by rustc --target T, test/targets.test.ts).
 */
export interface DataModel {
  target: string;
  /** `sizeof(void *)`, `usize`, `isize`. */
  pointer: 4 | 8;
  /** `sizeof(long)`: `c_long` / `c_ulong` (4 on Windows and 32-bit targets). */
  cLong: 4 | 8;
  /** Alignment of `u64`, `i64` and `f64` (4 on i686 Linux, 8 on i686 Windows). */
  align64: 4 | 8;
  /** Whether `c_char` is signed (`i8`); unsigned (`u8`) on ARM Linux. */
  cCharSigned: boolean;
  /**
   * Alignment of `i128` and `u128`: 16 wherever the target's data layout says `i128:128` (every x86
   * target since rustc 1.77, AArch64, wasm32), 8 on 32-bit ARM, whose layout stops at `i64:64` (rustc
   * then aligns `i128` as `i64`).
   */
  align128: 8 | 16;
}

const MODELS: Record<string, Omit<DataModel, 'target'>> = {
  'x86_64-unknown-linux-gnu': { pointer: 8, cLong: 8, align64: 8, cCharSigned: true, align128: 16 },
  'aarch64-unknown-linux-gnu': { pointer: 8, cLong: 8, align64: 8, cCharSigned: false, align128: 16 },
  'i686-unknown-linux-gnu': { pointer: 4, cLong: 4, align64: 4, cCharSigned: true, align128: 16 },
  'x86_64-pc-windows-msvc': { pointer: 8, cLong: 4, align64: 8, cCharSigned: true, align128: 16 },
  'x86_64-pc-windows-gnu': { pointer: 8, cLong: 4, align64: 8, cCharSigned: true, align128: 16 },
  'x86_64-apple-darwin': { pointer: 8, cLong: 8, align64: 8, cCharSigned: true, align128: 16 },
  'aarch64-apple-darwin': { pointer: 8, cLong: 8, align64: 8, cCharSigned: true, align128: 16 },
  'wasm32-unknown-unknown': { pointer: 4, cLong: 4, align64: 8, cCharSigned: true, align128: 16 },
  'i686-pc-windows-msvc': { pointer: 4, cLong: 4, align64: 8, cCharSigned: true, align128: 16 },
  'i686-pc-windows-gnu': { pointer: 4, cLong: 4, align64: 8, cCharSigned: true, align128: 16 },
  'armv7-unknown-linux-gnueabihf': { pointer: 4, cLong: 4, align64: 8, cCharSigned: false, align128: 8 },
};

/** The data model of a target (x86_64 Linux when null or unknown). */
export function dataModel(target: string | null | undefined): DataModel {
  const t = target && MODELS[target] ? target : HOST_TARGET;
  return { target: t, ...MODELS[t] };
}

/** The targets with a data model: the same as those with a `#[cfg]` table. */
export function dataModelTargets(): string[] {
  return Object.keys(MODELS);
}

export const HOST_MODEL: DataModel = dataModel(HOST_TARGET);

/**
 * Whether rustc spells a C alias otherwise on this target than on x86_64 Linux: `c_char` as `u8`
 * (unsigned `char`), `c_long` / `c_ulong` as `i32` / `u32` (a 4-byte `long`). An unknown target: no.
 */
export function spellsAliasesOwnWay(target: string): boolean {
  const model = dataModel(target);
  return model.cCharSigned !== HOST_MODEL.cCharSigned || model.cLong !== HOST_MODEL.cLong;
}

/** One line saying what a report or header assumed of the target. */
export function targetLine(model: DataModel): string {
  return `Target: ${model.target} (pointers ${model.pointer} bytes, long ${model.cLong} bytes, 64-bit integers and double aligned to ${model.align64}, 128-bit integers to ${model.align128}, char ${model.cCharSigned ? 'signed' : 'unsigned'}).`;
}
