/**
 * The ONNX files the engine hands to ONNX Runtime: small graphs (a convolution as im2col + one
 * GEMM, a matmul), built in memory and never written to disk. This is the one home of the ONNX
 * format in the engine. It writes the protobuf subset those graphs need: ModelProto, GraphProto,
 * NodeProto, AttributeProto (int, ints, float), ValueInfoProto for float32 tensors with fixed or
 * named (symbolic) dimensions, and int64/float32 TensorProto initializers. (The npm packages with
 * onnx.proto compiled in pull protobufjs 6; the subset is a page, and ort-kernels.test.ts runs what
 * it writes in ONNX Runtime itself.)
 *
 * Field numbers are those of onnx/onnx.proto (IR version 8, opset 17).
 */

const IR_VERSION = 8;
export const OPSET = 17;
const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

type Field = [field: number, kind: 'varint' | 'bytes' | 'float', value: number | bigint | Uint8Array | string];

const utf8 = new TextEncoder();

function varint(value: number | bigint, out: number[]): void {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // negative int64: ten-byte two's complement, as protobuf writes it
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
}

function message(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const [field, kind, value] of fields) {
    if (kind === 'varint') {
      varint((field << 3) | 0, out);
      varint(value as number | bigint, out);
    } else if (kind === 'float') {
      varint((field << 3) | 5, out);
      for (const b of new Uint8Array(Float32Array.of(value as number).buffer)) out.push(b);
    } else {
      const bytes = typeof value === 'string' ? utf8.encode(value) : (value as Uint8Array);
      varint((field << 3) | 2, out);
      varint(bytes.length, out);
      for (const b of bytes) out.push(b);
    }
  }
  return Uint8Array.from(out);
}

/** A dimension: its size, or a name (a symbolic dimension, fixed only when the graph runs). */
export type Dim = number | string;

function floatValueInfo(name: string, shape: readonly Dim[]): Uint8Array {
  const dims = shape.map((d): Field => [1, 'bytes', message([typeof d === 'number' ? [1, 'varint', d] : [2, 'bytes', d]])]);
  const tensorType = message([
    [1, 'varint', FLOAT],
    [2, 'bytes', message(dims)],
  ]);
  return message([
    [1, 'bytes', name],
    [2, 'bytes', message([[1, 'bytes', tensorType]])],
  ]);
}

/** An int, a list of ints, or a float (`{ float: 0.2 }`). */
export type Attr = number | readonly number[] | { float: number };

function attribute(name: string, value: Attr): Uint8Array {
  if (typeof value === 'object' && 'float' in value) {
    return message([
      [1, 'bytes', name],
      [20, 'varint', ATTR_FLOAT],
      [2, 'float', value.float],
    ]);
  }
  if (typeof value === 'number') {
    return message([
      [1, 'bytes', name],
      [20, 'varint', ATTR_INT],
      [3, 'varint', value],
    ]);
  }
  return message([[1, 'bytes', name], [20, 'varint', ATTR_INTS], ...value.map((v): Field => [8, 'varint', v])]);
}

/** A graph under construction: float32 inputs and outputs, int64 constants, and nodes in order. */
export class OnnxGraph {
  private readonly nodes: Uint8Array[] = [];
  private readonly inputs: Uint8Array[] = [];
  private readonly outputs: Uint8Array[] = [];
  private readonly initializers: Uint8Array[] = [];
  private names = 0;

  /** A float32 graph input. */
  input(name: string, shape: readonly Dim[]): string {
    this.inputs.push(floatValueInfo(name, shape));
    return name;
  }

  /** An int64 constant (shapes, axes) of shape [values.length]. */
  int64s(values: readonly number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    return this.constant(INT64, values.length, raw);
  }

  /** A float32 scalar constant (clip bounds). */
  float32(value: number): string {
    return this.constant(FLOAT, null, new Uint8Array(Float32Array.of(value).buffer));
  }

  private constant(dataType: number, length: number | null, raw: Uint8Array): string {
    const name = `c${this.names++}`;
    this.initializers.push(
      message([
        ...(length === null ? [] : ([[1, 'varint', length]] as Field[])),
        [2, 'varint', dataType],
        [8, 'bytes', name],
        [9, 'bytes', raw],
      ]),
    );
    return name;
  }

  /** Appends a node of the default domain; returns its (single) output's name. */
  op(type: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, output = `t${this.names++}`): string {
    this.nodes.push(
      message([
        ...inputs.map((i): Field => [1, 'bytes', i]),
        [2, 'bytes', output],
        [4, 'bytes', type],
        ...Object.entries(attrs).map(([k, v]): Field => [5, 'bytes', attribute(k, v)]),
      ]),
    );
    return output;
  }

  /** Declares a float32 graph output (an existing value's name). */
  output(name: string, shape: readonly Dim[]): void {
    this.outputs.push(floatValueInfo(name, shape));
  }

  /** The serialised ModelProto. */
  toBytes(): Uint8Array {
    const graph = message([
      ...this.nodes.map((n): Field => [1, 'bytes', n]),
      [2, 'bytes', 'gan-studio'],
      ...this.initializers.map((t): Field => [5, 'bytes', t]),
      ...this.inputs.map((v): Field => [11, 'bytes', v]),
      ...this.outputs.map((v): Field => [12, 'bytes', v]),
    ]);
    return message([
      [1, 'varint', IR_VERSION],
      [2, 'bytes', 'gan-studio'],
      [7, 'bytes', graph],
      [8, 'bytes', message([[2, 'varint', OPSET]])],
    ]);
  }
}
