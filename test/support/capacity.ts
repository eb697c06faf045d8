/**
 * What a DynamoDB write is billed, computed from the item as it was before and after the write, by
 * the rules AWS documents — not from what DynamoDB Local reports. DynamoDB Local reports a
 * `TransactWriteItems` as 2 write units whatever it holds (measured: 1, 2, 3 and 4 updates, and an
 * update with a `ConditionCheck`, all report 2), while DynamoDB bills every item of a transaction
 * twice, a prepare and a commit ("Capacity management for transactions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html; the
 * on-demand price list: "transactional write requests require 2 write request units … for items up
 * to 1 KB", https://aws.amazon.com/dynamodb/pricing/on-demand/), a `ConditionCheck` item included.
 *
 * The rules (Item sizes and capacity unit consumption; Global secondary indexes, *Write capacity
 * units*, in the DynamoDB developer guide):
 * - An item's size is the sum of its attribute names and values: a string its UTF-8 bytes, a number
 *   1 byte per two significant digits plus 1, a binary its raw bytes, a boolean or null 1, a list or
 *   map 3 bytes plus its elements (a map's element names counted), a set its elements.
 * - A put, update or delete costs the larger of the item's sizes before and after, rounded up to
 *   the next KB (at least 1); a failed conditional write the existing item's size, or 1 when there
 *   is none. Inside a transaction each item costs twice that, a `ConditionCheck` too.
 * - Each global secondary index whose entry the write changes costs 1 unit per KB of the entry
 *   (keys and projected attributes): one to put an entry, one to delete it, two when its key moves,
 *   one when a projected attribute changes, none when the index is untouched. Index entries are
 *   written after the transaction commits (the same page), so they are counted once.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { tableDesign } from '#shared/storage/tableDesign';

export type Image = Record<string, AttributeValue> | undefined;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Bytes of a number: 1 per two significant digits (leading and trailing zeros dropped), plus 1. */
function numberSize(n: string): number {
  const digits = n
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if (v.NS) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if (v.BS) return v.BS.reduce((s, x) => s + x.byteLength, 0);
  if (v.L) return 3 + v.L.reduce((s, x) => s + valueSize(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + utf8(k) + valueSize(x), 0);
  return 0;
}

/** An item's size in bytes, as DynamoDB counts it for capacity. */
export const itemSize = (item: Record<string, AttributeValue>): number => Object.entries(item).reduce((s, [name, v]) => s + utf8(name) + valueSize(v), 0);

const kb = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

type IndexDesign = (typeof tableDesign.indexes)[number];

/** The index entry an item has in `index` (its keys and projected attributes), or undefined when it has none. */
export function indexEntry(item: Image, index: IndexDesign): Record<string, AttributeValue> | undefined {
  if (!item?.[index.partitionKey] || !item[index.sortKey]) return undefined;
  if (index.projection === 'ALL') return item;
  const keys = [tableDesign.partitionKey, tableDesign.sortKey, index.partitionKey, index.sortKey];
  return Object.fromEntries(keys.filter((k) => item[k]).map((k) => [k, item[k]!]));
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, sorted(x)]),
    );
  return v;
}

export interface IndexWrite {
  index: string;
  /** The index partition written (the entry's partition key value, before or after). */
  pk: string;
  units: number;
}

export interface ItemWrite {
  /** The table partition written, and the item's sort key. */
  pk: string;
  sk: string;
  kind: 'put' | 'update' | 'delete' | 'check';
  transactional: boolean;
  /** Units of the table item (doubled in a transaction). */
  tableUnits: number;
  indexes: IndexWrite[];
}

/** Index writes a change of one item causes (none for a condition check). */
export function indexWrites(before: Image, after: Image): IndexWrite[] {
  const out: IndexWrite[] = [];
  for (const index of tableDesign.indexes) {
    const was = indexEntry(before, index);
    const is = indexEntry(after, index);
    const pkOf = (e: Record<string, AttributeValue>) => String(e[index.partitionKey]!.S ?? e[index.partitionKey]!.N ?? '');
    if (!was && !is) continue;
    if (!was) out.push({ index: index.indexName, pk: pkOf(is!), units: kb(itemSize(is!)) });
    else if (!is) out.push({ index: index.indexName, pk: pkOf(was), units: kb(itemSize(was)) });
    else if (!same(was[index.partitionKey], is[index.partitionKey]) || !same(was[index.sortKey], is[index.sortKey])) {
      out.push({ index: index.indexName, pk: pkOf(was), units: kb(itemSize(was)) }, { index: index.indexName, pk: pkOf(is), units: kb(itemSize(is)) });
    } else if (!same(was, is)) out.push({ index: index.indexName, pk: pkOf(is), units: kb(itemSize(is)) });
  }
  return out;
}

/** The bill of one item's successful write. */
export function itemWrite(kind: ItemWrite['kind'], key: { pk: string; sk: string }, before: Image, after: Image, transactional: boolean): ItemWrite {
  const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0);
  return {
    pk: key.pk,
    sk: key.sk,
    kind,
    transactional,
    tableUnits: kb(size) * (transactional ? 2 : 1),
    indexes: kind === 'check' ? [] : indexWrites(before, after),
  };
}

/** A single-item write refused by its condition: the existing item's size, or 1 when there is none. */
export const refusedWriteUnits = (before: Image): number => (before ? kb(itemSize(before)) : 1);

export const unitsOf = (w: ItemWrite): number => w.tableUnits + w.indexes.reduce((s, i) => s + i.units, 0);
