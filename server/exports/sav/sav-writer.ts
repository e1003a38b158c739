// The bytes of an SPSS system file (.sav), from the published description of the format (GNU
// PSPP's developer manual, "System File Format"): the file header, one variable record per 8
// bytes of a case, value labels, the extension records (7.3 machine integers, 7.4 machine
// floats, 7.7 multiple-response sets, 7.11 measurement levels, 7.13 long names, 7.14 very long
// strings, 7.20 encoding), then the cases.
//
// Uncompressed: each case is the same number of bytes, which keeps the writer and its test
// small and lets a reader seek; text answers are where compression would pay, and a wave's
// export is small next to what SPSS handles.
import { ByteWriter, roundUp, utf8Prefix } from './sav-bytes';
import { MAX_STRING_BYTES, SAV_FORMAT, type SavDictionary, type SavFormat, type SavMeasure, type SavValue, type SavVariable } from './sav-dictionary';
import { ShortNames } from './sav-names';

const PRODUCT = '@(#) SPSS DATA FILE Barometer';
/** SPSS 14's limits; PSPP reads longer ones, SPSS may not. */
const MAX_VARIABLE_LABEL_BYTES = 255;
const MAX_VALUE_LABEL_BYTES = 120;
/** A very long string is cut in segments of 255 bytes, each standing for 252 bytes of its width. */
const SEGMENT_WIDTH = 255;
const SEGMENT_SPAN = 252;
const UTF8_CODE_PAGE = 65001;
const MEASURE_CODE: Record<SavMeasure, number> = { nominal: 1, ordinal: 2, scale: 3 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Segment {
  shortName: string;
  /** 0 for a number; else a string width of 1 to 255 bytes. */
  width: number;
}

interface VariableLayout {
  variable: SavVariable;
  segments: Segment[];
  /** 1-based position of its first 8 bytes in a case: what the format calls its dictionary index. */
  index: number;
}

export interface SavWriter {
  /** Everything before the cases. `caseCount` -1 when the number is not known in advance. */
  dictionaryBytes(caseCount: number): Buffer;
  caseBytes(values: readonly SavValue[]): Buffer;
}

function segmentWidths(width: number): number[] {
  if (width <= SEGMENT_WIDTH) return [width];
  const count = Math.ceil(width / SEGMENT_SPAN);
  return [...Array.from({ length: count - 1 }, () => SEGMENT_WIDTH), width - (count - 1) * SEGMENT_SPAN];
}

/** How many 8-byte units a segment takes in a case. */
function unitsOf(width: number): number {
  return width === 0 ? 1 : roundUp(width, 8) / 8;
}

function formatCode(format: SavFormat): number {
  return (format.type << 16) | (format.width << 8) | format.decimals;
}

function formatOf(variable: SavVariable, segmentWidth: number): number {
  if (segmentWidth > 0) return formatCode({ type: SAV_FORMAT.A, width: segmentWidth, decimals: 0 });
  return formatCode(variable.format ?? { type: SAV_FORMAT.F, width: 8, decimals: 2 });
}

function layOut(variables: readonly SavVariable[]): { layouts: VariableLayout[]; caseUnits: number } {
  const shortNames = new ShortNames();
  const layouts: VariableLayout[] = [];
  let index = 1;
  for (const variable of variables) {
    if (variable.width < 0 || variable.width > MAX_STRING_BYTES) throw new Error(`${variable.name}: a string is 1 to ${MAX_STRING_BYTES} bytes wide`);
    const segments = segmentWidths(variable.width).map((width) => ({ shortName: shortNames.claim(variable.name), width }));
    layouts.push({ variable, segments, index });
    index += segments.reduce((sum, s) => sum + unitsOf(s.width), 0);
  }
  return { layouts, caseUnits: index - 1 };
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

function headerRecord(dictionary: SavDictionary, caseUnits: number, weightIndex: number, caseCount: number): Buffer {
  const at = dictionary.createdAt;
  const date = `${twoDigits(at.getUTCDate())} ${MONTHS[at.getUTCMonth()]} ${twoDigits(at.getUTCFullYear() % 100)}`;
  const time = `${twoDigits(at.getUTCHours())}:${twoDigits(at.getUTCMinutes())}:${twoDigits(at.getUTCSeconds())}`;
  return new ByteWriter()
    .fixed('$FL2', 4)
    .fixed(PRODUCT, 60)
    .int32(2) // layout code
    .int32(caseUnits)
    .int32(0) // not compressed
    .int32(weightIndex)
    .int32(caseCount)
    .float64(100) // compression bias
    .fixed(date, 9)
    .fixed(time, 8)
    .fixed(dictionary.fileLabel, 64)
    .fixed('', 3, 0)
    .toBuffer();
}

function variableRecords(layout: VariableLayout): Buffer {
  const out = new ByteWriter();
  const { variable } = layout;
  layout.segments.forEach((segment, i) => {
    const first = i === 0;
    const label = first && variable.label ? utf8Prefix(variable.label, MAX_VARIABLE_LABEL_BYTES) : undefined;
    const missing = first && segment.width === 0 ? (variable.missing ?? []) : [];
    if (missing.length > 3) throw new Error(`${variable.name}: at most three missing values`);
    const format = formatOf(variable, segment.width);
    out.int32(2).int32(segment.width).int32(label ? 1 : 0).int32(missing.length).int32(format).int32(format).fixed(segment.shortName, 8);
    if (label) out.int32(label.length).fixed(label, roundUp(label.length, 4), 0x20);
    for (const value of missing) out.float64(value);
    // The rest of a string wider than 8 bytes: one continuation record per further 8 bytes.
    for (let unit = 1; unit < unitsOf(segment.width); unit += 1) out.int32(2).int32(-1).int32(0).int32(0).int32(0).int32(0).fixed('', 8);
  });
  return out.toBuffer();
}

function valueLabelRecords(layout: VariableLayout): Buffer {
  const labels = layout.variable.valueLabels ?? [];
  if (labels.length === 0) return Buffer.alloc(0);
  if (layout.variable.width !== 0) throw new Error(`${layout.variable.name}: value labels are written for numbers only`);
  const out = new ByteWriter().int32(3).int32(labels.length);
  for (const [value, text] of labels) {
    const label = utf8Prefix(text, MAX_VALUE_LABEL_BYTES);
    out.float64(value).bytes(Buffer.from([label.length])).fixed(label, roundUp(label.length + 1, 8) - 1);
  }
  return out.int32(4).int32(1).int32(layout.index).toBuffer();
}

function textRecord(subtype: number, text: string | Buffer): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return new ByteWriter().int32(7).int32(subtype).int32(1).int32(bytes.length).bytes(bytes).toBuffer();
}

function machineIntegerRecord(): Buffer {
  // version 1.0.0, machine -1 (unknown), IEEE 754 floats, compression code 1, little-endian, UTF-8
  const values = [1, 0, 0, -1, 1, 1, 2, UTF8_CODE_PAGE];
  const out = new ByteWriter().int32(7).int32(3).int32(4).int32(values.length);
  for (const v of values) out.int32(v);
  return out.toBuffer();
}

/** The system-missing value is the most negative double; "lowest" is the one just above it. */
const SYSMIS = -Number.MAX_VALUE;
function lowestValue(): number {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(0xffeffffffffffffen);
  return b.readDoubleLE(0);
}

function machineFloatRecord(): Buffer {
  return new ByteWriter().int32(7).int32(4).int32(8).int32(3).float64(SYSMIS).float64(Number.MAX_VALUE).float64(lowestValue()).toBuffer();
}

function displayRecord(layouts: readonly VariableLayout[]): Buffer {
  const values: number[] = [];
  for (const { variable, segments } of layouts) {
    for (const segment of segments) {
      const width = segment.width === 0 ? (variable.format?.width ?? 8) : Math.min(segment.width, 64);
      values.push(MEASURE_CODE[variable.measure], width, segment.width === 0 ? 1 : 0); // numbers right-aligned, texts left
    }
  }
  const out = new ByteWriter().int32(7).int32(11).int32(4).int32(values.length);
  for (const v of values) out.int32(v);
  return out.toBuffer();
}

function multipleResponseText(dictionary: SavDictionary, layouts: readonly VariableLayout[]): string {
  const shortName = new Map(layouts.map((l) => [l.variable.name, l.segments[0]!.shortName]));
  return dictionary.multipleResponseSets
    .map((set) => {
      const counted = String(set.countedValue);
      const label = utf8Prefix(set.label, MAX_VARIABLE_LABEL_BYTES).toString('utf8');
      const names = set.variables.map((name) => {
        const short = shortName.get(name);
        if (!short) throw new Error(`multiple-response set ${set.name}: no variable ${name}`);
        return short;
      });
      return `$${set.name}=D${counted.length} ${counted} ${Buffer.byteLength(label)} ${label} ${names.join(' ')}\n`;
    })
    .join('');
}

function veryLongStringText(layouts: readonly VariableLayout[]): string {
  return layouts
    .filter((l) => l.segments.length > 1)
    .map((l) => `${l.segments[0]!.shortName}=${String(l.variable.width).padStart(5, '0')}\0\t`)
    .join('');
}

function caseValueBytes(out: ByteWriter, layout: VariableLayout, value: SavValue): void {
  if (layout.variable.width === 0) {
    out.float64(typeof value === 'number' && Number.isFinite(value) ? value : SYSMIS);
    return;
  }
  const bytes = utf8Prefix(typeof value === 'string' ? value : '', layout.variable.width);
  let offset = 0;
  for (const segment of layout.segments) {
    // Packed tightly: each segment holds the next 255 bytes of the text, then blanks to its 8-byte units.
    const size = unitsOf(segment.width) * 8;
    out.fixed(bytes.subarray(offset, offset + segment.width), size);
    offset += segment.width;
  }
}

export function createSavWriter(dictionary: SavDictionary): SavWriter {
  const { layouts, caseUnits } = layOut(dictionary.variables);
  const weight = dictionary.weight === undefined ? undefined : layouts.find((l) => l.variable.name === dictionary.weight);
  if (dictionary.weight !== undefined && (!weight || weight.variable.width !== 0)) throw new Error(`the weight variable ${dictionary.weight} is not a numeric variable of the file`);
  return {
    dictionaryBytes(caseCount) {
      const longNames = layouts.map((l) => `${l.segments[0]!.shortName}=${l.variable.name}`).join('\t');
      const parts = [
        headerRecord(dictionary, caseUnits, weight?.index ?? 0, caseCount),
        ...layouts.map(variableRecords),
        ...layouts.map(valueLabelRecords),
        machineIntegerRecord(),
        machineFloatRecord(),
        ...(dictionary.multipleResponseSets.length ? [textRecord(7, multipleResponseText(dictionary, layouts))] : []),
        displayRecord(layouts),
        textRecord(13, longNames),
        ...(layouts.some((l) => l.segments.length > 1) ? [textRecord(14, veryLongStringText(layouts))] : []),
        textRecord(20, 'UTF-8'),
        new ByteWriter().int32(999).int32(0).toBuffer(),
      ];
      return Buffer.concat(parts);
    },
    caseBytes(values) {
      if (values.length !== layouts.length) throw new Error(`a case has ${layouts.length} values, not ${values.length}`);
      const out = new ByteWriter();
      layouts.forEach((layout, i) => caseValueBytes(out, layout, values[i] ?? null));
      return out.toBuffer();
    },
  };
}
