/**
 * A C signature as a caller sees it (server/src/core/abi/c-signature.ts compares two): what a shard's
 * ABI surface carries for the cross-crate checks (`AbiSymbol.signature`).
 */

/** A C type as a caller sees it. `text` is how the side it came from spells it, for messages. */
export type CType =
  | { k: 'void'; text?: string }
  | { k: 'int'; size: number; signed: boolean; text?: string }
  | { k: 'bool'; text?: string }
  | { k: 'float'; size: number; text?: string }
  /** A data pointer; `to` is what it points at (`void` for `c_void`, `opaque` for a type without a C layout). */
  | {
      k: 'ptr';
      to: CType;
      text?: string;
      /** `*mut`/`&mut` (C's `T *`) rather than `const T *`: no ABI difference. */ mutable?: boolean;
    }
  /** A function pointer. */
  | { k: 'fn'; sig: CSignature; text?: string }
  | { k: 'array'; elem: CType; len: number; text?: string }
  | CRecord
  /** A named type whose layout is not known here (behind a pointer only; a struct already being described). */
  | { k: 'opaque'; name: string; text?: string }
  /** A type with no C equivalent (`&str`, `String`) or one we cannot lay out: never compared. */
  | { k: 'unknown'; text: string };

export interface CRecord {
  k: 'record';
  tag: 'struct' | 'union';
  name: string;
  size: number;
  align: number;
  fields: CField[];
  text?: string;
}

export interface CField {
  name: string;
  offset: number;
  type: CType;
}

/** A function's (or a static's) C-level signature. */
export interface CSignature {
  kind: 'function' | 'static';
  /** The calling convention as written (`C`, `system`, `C-unwind`, `win64`…). */
  abi: string;
  params: CType[];
  /** What a function returns (`void` for nothing), or a static's type. */
  ret: CType;
  variadic: boolean;
}
