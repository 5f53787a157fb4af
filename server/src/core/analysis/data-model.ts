import { HOST_TARGET } from '../syntax/cfg';

/**
 * The C data model of each supported target: what decides the layout of C-compatible types beyond
 * their fields. Measured with each target's C compiler (`clang --target=T -ffreestanding`:
 * `sizeof(long)`, `sizeof(void *)`, `_Alignof(uint64_t)`, `_Alignof(double)`, `(char)-1 < 0`), and
 * the generated header's `_Static_assert`s compile for each (test/targets.test.ts).
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
}

const MODELS: Record<string, Omit<DataModel, 'target'>> = {
  'x86_64-unknown-linux-gnu': { pointer: 8, cLong: 8, align64: 8, cCharSigned: true },
  'aarch64-unknown-linux-gnu': { pointer: 8, cLong: 8, align64: 8, cCharSigned: false },
  'i686-unknown-linux-gnu': { pointer: 4, cLong: 4, align64: 4, cCharSigned: true },
  'x86_64-pc-windows-msvc': { pointer: 8, cLong: 4, align64: 8, cCharSigned: true },
  'x86_64-pc-windows-gnu': { pointer: 8, cLong: 4, align64: 8, cCharSigned: true },
  'x86_64-apple-darwin': { pointer: 8, cLong: 8, align64: 8, cCharSigned: true },
  'aarch64-apple-darwin': { pointer: 8, cLong: 8, align64: 8, cCharSigned: true },
  'wasm32-unknown-unknown': { pointer: 4, cLong: 4, align64: 8, cCharSigned: true },
  'i686-pc-windows-msvc': { pointer: 4, cLong: 4, align64: 8, cCharSigned: true },
  'i686-pc-windows-gnu': { pointer: 4, cLong: 4, align64: 8, cCharSigned: true },
  'armv7-unknown-linux-gnueabihf': { pointer: 4, cLong: 4, align64: 8, cCharSigned: false },
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

/** One line saying what a report or header assumed of the target. */
export function targetLine(model: DataModel): string {
  return `Target: ${model.target} (pointers ${model.pointer} bytes, long ${model.cLong} bytes, 64-bit integers and double aligned to ${model.align64}, char ${model.cCharSigned ? 'signed' : 'unsigned'}).`;
}
