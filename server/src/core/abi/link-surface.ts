import type { AbiSymbol, CrateAbi } from '../../../../protocol/check';
import type { Item, Origin } from '../syntax/model';
import { exportAttribute, importLinkName } from '../analysis/boundary';
import type { Crate } from '../workspace/crates';
import { mayBeCrateExport } from '../workspace/ffi-crates';
import { LineIndex } from '../syntax/positions';
import type { LoadedCrate } from '../workspace/loaded-crate';
import { buildSurface } from './report';
import { rustSignature, rustStaticSignature } from './c-signature-rust';
import { cDeclaration, cPrototype } from './c-types';
import { dynamicImports } from './dynamic-imports';
import { displayTy, isUnit } from '../workspace/types';

/**
 * The link-level ABI of a crate: every symbol it exports and every symbol its `extern` blocks import,
 * with its C declaration. This is what the cross-crate checks compare (a host's imports against a
 * plugin's exports), and what a shard of `check --shard` hands to `merge` for them.
 */

/**
 * The exports and imports of one crate (`index` is its place among the run's crates), each placed as
 * rustc counts positions. Built from the crate alone, so it is the same whichever crates share a run.
 * `symbols` picks which to build, by link name and direction (all by default); the others are left out,
 * and those kept are as they would be among all.
 */
export function crateAbi(
  loaded: LoadedCrate,
  index: number,
  rel: (file: string) => string,
  symbols: (name: string, direction: 'export' | 'import') => boolean = () => true,
): CrateAbi {
  const surface = buildSurface([loaded], [], rel, undefined, { reachTypes: false, symbols, constants: false });
  const place = rangeOf(loaded);
  // Symbols loaded at run time (libloading, dlsym) through a C function-pointer type.
  const dynamic = dynamicImports(loaded)
    .filter((d) => symbols(d.name, 'import'))
    .map((d): AbiSymbol => {
      const params = d.fn.params.map((ty, i) => ({ name: `_${i}`, ty }));
      const ret = isUnit(d.fn.ret) ? null : d.fn.ret;
      return {
        name: d.name,
        rustName: d.name,
        kind: 'function',
        direction: 'import',
        abi: d.fn.abi ?? 'C',
        file: rel(d.origin.file),
        ...place(d.origin),
        cPrototype: cPrototype(d.name, params, ret, d.fn.variadic),
        params: params.map((p) => ({ name: p.name, type: displayTy(p.ty), cType: cDeclaration(p.ty, '') })),
        returns: ret ? { type: displayTy(ret), cType: cDeclaration(ret, '') } : null,
        variadic: d.fn.variadic,
        mutable: false,
        signature: rustSignature(d.fn.abi ?? 'C', d.fn.params, ret, d.fn.variadic),
      };
    });
  return {
    crate: index,
    symbols: [
      ...surface.symbols.map((s): AbiSymbol => ({
        name: s.name,
        rustName: s.rustName,
        kind: s.kind,
        direction: s.direction,
        abi: s.abi,
        file: s.file,
        ...place(s.origin),
        cPrototype: s.cPrototype,
        params: s.params.map((p) => ({ name: p.name, type: p.type, cType: p.cType })),
        returns: s.returns ? { type: s.returns.type, cType: s.returns.cType } : null,
        variadic: s.variadic,
        mutable: s.mutable,
        signature:
          s.kind === 'static'
            ? rustStaticSignature(s.returns!.ty)
            : rustSignature(
                s.abi,
                s.params.map((p) => p.ty),
                s.returns?.ty ?? null,
                s.variadic,
              ),
      })),
      ...dynamic,
    ],
  };
}

/**
 * Read from the crate's items alone, without the walk `crateAbi` makes (no scopes, no types): whether any
 * item may export a symbol (it has `#[no_mangle]` or `#[export_name]`), and the link name of every item
 * of an `extern` block. A superset of what `crateAbi` finds, so when nothing here is wanted, nothing there is.
 */
export function linkNames(crate: Crate): { mayExport: boolean; imports: string[] } {
  let mayExport = false;
  const imports: string[] = [];
  const visit = (items: readonly Item[]): void => {
    for (const item of items) {
      if (item.kind === 'extern-block') {
        for (const f of item.items) imports.push(importLinkName(f.attrs, f.name));
        continue;
      }
      if (!mayExport && (item.kind === 'fn' || item.kind === 'static') && exportAttribute(item.attrs)) mayExport = true;
      // An FFI crate's export attribute (`#[ffi_export]`, `#[stabby::export]`…): a superset, by its words.
      if (!mayExport && item.kind === 'fn' && item.attrs.some((a) => mayBeCrateExport(a.name))) mayExport = true;
      if ('nested' in item) visit(item.nested);
      if ('items' in item && item.items) visit(item.items);
    }
  };
  for (const module of crate.modules) visit(module.items);
  return { mayExport, imports };
}

/** An origin's range in rustc's terms (1-based lines, columns in Unicode scalar values). */
function rangeOf(
  loaded: LoadedCrate,
): (o: Origin) => { line: number; column: number; endLine: number; endColumn: number } {
  const indexes = new Map<string, LineIndex>();
  return (o) => {
    let index = indexes.get(o.file);
    if (!index) {
      index = new LineIndex(loaded.crate.textOf(o.file) ?? '');
      indexes.set(o.file, index);
    }
    const start = index.rustcPosition(o.span.start);
    const end = index.rustcPosition(o.span.end);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
}
