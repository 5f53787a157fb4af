import { exportAttribute, importLinkName, isRustAbi, linkName, walkCrate, WalkContext } from './analysis/boundary';
import { checkedTypesOfFn, checkedTypesOfForeign, CheckedType } from './analysis/boundary-types';
import { cDeclaration, cPrototype } from './abi/c-types';
import { mdCode, mdFence } from './abi/report-render';
import { adtShape, checkBoundaryType, FfiVerdict, REASON_TEXT } from './analysis/ffi';
import type { Finding } from './analysis/findings';
import type { AdtItem, ExternBlockItem, FnItem, ForeignFnItem, ForeignStaticItem, Origin } from './syntax/model';
import { localAdt } from './workspace/resolve';
import { displayTy, Ty, TypeNames } from './workspace/types';
import { crateTypeNames, type Crate } from './workspace/crates';

/**
 * What a hover shows, as Markdown: for an exported function or import, its C prototype and the
 * verdict with the reason chain; for a type, its C layout and whether it may cross by value; on a
 * finding, the finding explained.
 */
export function hoverMarkdown(crates: Crate[], findings: Finding[], file: string, offset: number): string | null {
  const parts: string[] = [];
  const at = findings.filter((f) => f.origin.file === file && contains(f.origin, offset));
  for (const f of at) parts.push(findingSection(f));
  for (const crate of crates) {
    const names = crateTypeNames(crate);
    let found: string | null = null;
    walkCrate(crate, {
      fn: (fn, ctx) => {
        if (
          !found &&
          fn.origin.file === file &&
          (contains(fn.nameOrigin, offset) || (contains(fn.signatureOrigin, offset) && !at.length))
        )
          found = fnSection(fn, ctx, names);
      },
      foreignItem: (item, block, ctx) => {
        if (!found && item.origin.file === file && contains(item.origin, offset) && !at.length)
          found = foreignSection(item, block, ctx, names);
      },
      adt: (item, ctx) => {
        if (!found && item.origin.file === file && contains(item.nameOrigin, offset))
          found = adtSection(item, ctx, names);
      },
    });
    if (found) {
      parts.push(found);
      break;
    }
  }
  return parts.length ? parts.join('\n\n---\n\n') : null;
}

function contains(o: Origin, offset: number): boolean {
  return offset >= o.span.start && offset <= o.span.end;
}

function findingSection(f: Finding): string {
  const chain = f.chain.length
    ? `\n\nHow the type is reached: ${[...f.chain.map((c) => `${c.label} \`${c.ty}\``)].join(' → ')}`
    : '';
  const lint = f.rustcLint ? ` · rustc: \`${f.rustcLint}\`` : '';
  return `**${f.severity}** \`${f.rule}\` · ${f.certainty}${lint}\n\n${f.message}${chain}`;
}

function verdictLines(checked: CheckedType[], labels: string[], names: TypeNames): string {
  const bad = checked
    .map((c, i) => ({ c, label: labels[i] }))
    .filter(
      (x): x is { c: CheckedType & { verdict: FfiVerdict & { kind: 'unsafe' } }; label: string } =>
        x.c.verdict.kind === 'unsafe',
    );
  if (!bad.length) return '✓ Every type in this signature is FFI-safe.';
  return [
    `✗ ${bad.length} type${bad.length > 1 ? 's are' : ' is'} not FFI-safe:`,
    ...bad.map(({ c, label }) => {
      const v = c.verdict;
      const chain = v.chain.length ? ` (${v.chain.map((s) => s.label).join(' → ')})` : '';
      return `- ${label}: \`${displayTy(v.ty, names)}\`${chain} — ${REASON_TEXT[v.reason].note}`;
    }),
  ].join('\n');
}

function fnSection(fn: FnItem, ctx: WalkContext, names: TypeNames): string | null {
  const exported = exportAttribute(fn.attrs);
  if (isRustAbi(fn.abi) && !exported) return null;
  const symbol = exported ? linkName(fn.attrs, fn.name) : fn.name;
  const head = `**\`${fn.abi === null ? '' : `extern "${fn.abi}" `}fn ${fn.name}\`**${exported ? ` — exported as ${mdCode(symbol)}` : ' — not exported'}`;
  if (isRustAbi(fn.abi)) return `${head}\n\nIt uses the Rust ABI: C cannot call it reliably. Add \`extern "C"\`.`;
  const checked = checkedTypesOfFn(fn, ctx);
  const params = fn.params.map((p, i) => ({ name: p.name, ty: checked[i]?.ty }));
  const retTy = fn.ret ? (checked[fn.params.length]?.ty ?? null) : null;
  const proto = cPrototype(
    symbol,
    params.filter((p): p is { name: string; ty: Ty } => !!p.ty),
    retTy,
    false,
    { sketch: true },
  );
  const labels = [...fn.params.map((p) => `parameter \`${p.name}\``), 'return type'];
  return `${head}\n\n${mdFence(proto!, 'c')}\n\n${verdictLines(checked, labels, names)}`;
}

function foreignSection(
  item: ForeignFnItem | ForeignStaticItem,
  block: ExternBlockItem,
  ctx: WalkContext,
  names: TypeNames,
): string | null {
  const checked = checkedTypesOfForeign(item, block, ctx);
  const symbol = importLinkName(item.attrs, item.name);
  const head = `**imported from C (\`extern "${block.abi}"\`): ${mdCode(symbol)}**`;
  if (item.kind === 'foreign-static') {
    const ty = checked[0]?.ty;
    const decl = ty ? (cDeclaration(ty, symbol) ?? `/* ${displayTy(ty, names)}: no C type */ ${symbol}`) : symbol;
    return `${head}\n\n${mdFence(`extern ${decl};`, 'c')}\n\n${verdictLines(checked, ['type'], names)}`;
  }
  const params = item.params
    .map((p, i) => ({ name: p.name, ty: checked[i]?.ty }))
    .filter((p): p is { name: string; ty: Ty } => !!p.ty);
  const retTy = item.ret ? (checked[item.params.length]?.ty ?? null) : null;
  const labels = [...item.params.map((p) => `parameter \`${p.name}\``), 'return type'];
  return `${head}\n\n${mdFence(cPrototype(symbol, params, retTy, item.variadic, { sketch: true })!, 'c')}\n\n${verdictLines(checked, labels, names)}`;
}

function adtSection(item: AdtItem, ctx: WalkContext, names: TypeNames): string {
  const def = localAdt(item, ctx.module);
  const ty: Ty = {
    k: 'adt',
    def,
    args: item.generics.filter((g) => g.kind === 'type').map((g) => ({ k: 'param', name: g.name })),
  };
  const verdict = checkBoundaryType(ty, 'definition', 'param');
  const layout = cLayout(item, ty);
  const head = `**\`${item.kind} ${item.name}\`**${def.repr.origin ? '' : ' — no `#[repr]`: Rust chooses its layout'}`;
  const v =
    verdict.kind === 'safe'
      ? '✓ FFI-safe by value.'
      : `✗ Not FFI-safe by value: \`${displayTy(verdict.ty, names)}\`${verdict.chain.length ? ` (${verdict.chain.map((s) => s.label).join(' → ')})` : ''} — ${REASON_TEXT[verdict.reason].note}.`;
  return `${head}\n\n${layout ? `${mdFence(layout, 'c')}\n\n` : ''}${v}`;
}

/** The C definition of a `repr(C)` struct or union, or of a C-like enum. */
function cLayout(item: AdtItem, ty: Ty & { k: 'adt' }): string | null {
  const def = ty.def;
  if (def.source !== 'local') return null;
  if (item.kind === 'enum') {
    if (!item.variants.every((v) => v.fields.length === 0) || (!def.repr.c && !def.repr.int)) return null;
    const body = item.variants
      .map((v) => `    ${item.name}_${v.name}${v.discriminant ? ` = ${v.discriminant}` : ''},`)
      .join('\n');
    return `enum ${item.name} {\n${body}\n};${def.repr.int ? ` /* stored as ${def.repr.int} */` : ''}`;
  }
  if (!def.repr.c) return null;
  const fields = adtShape(ty).variants[0] ?? [];
  const fieldName = (n: string | null, i: number): string => (n === null || /^\d/.test(n) ? `_${n ?? i}` : n);
  const body = fields
    .map(
      (f, i) =>
        `    ${cDeclaration(f.ty, fieldName(f.name, i)) ?? `/* ${displayTy(f.ty)}: no C type */ ${fieldName(f.name, i)}`};`,
    )
    .join('\n');
  return `${item.kind === 'union' ? 'union' : 'struct'} ${item.name} {\n${body}\n};`;
}
