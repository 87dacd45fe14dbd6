;; The engine's WebAssembly kernels, run on tfjs-backend-wasm's own heap (./index.ts instantiates
;; this module on its memory). Every pointer is a byte offset in that heap; counts are elements.
;;  - The fused operations of ../fused (its wasm.ts): SIMD loops, one pass where tfjs runs an op per
;;    step of the chain.
;;  - The data movement around ONNX Runtime's GEMMs (../ort): im2col, the scatter of a transposed
;;    convolution's phases (a copy per run of channels, without JavaScript's per-call cost), and
;;    col2im for the input gradient of a 1–4 channel image side.
;;
;; Elementwise results round to float32 after every operation, in the order of the op-by-op forms,
;; so they equal them bit for bit (IEEE add, mul, div and sqrt are correctly rounded everywhere).
;; Batch norm's sums accumulate in float64, in row order, as ./host.ts does.
;;
;; Per-channel kernels take [rows, C] data (channels last, C innermost): four channels at a time,
;; then the C mod 4 channels one by one. This module has no data segments and no globals in memory:
;; it writes only where it is told to. Edit this file, then `npm run build:kernels` (which rewrites
;; ./kernels.generated.ts; a test fails while the two disagree).
(module
  (import "env" "memory" (memory 1))

  ;; ---------------------------------------------------------------- Adam (tf.train.adam's order)
  ;; m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = (m'/a1) / (√(v'/a2) + ε) · (−lr) + w
  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g i32)
    (param $ow i32) (param $om i32) (param $ov i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $a1 f32) (param $a2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $end i32) (local $vend i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128)
    (local $A1 v128) (local $A2 v128) (local $E v128) (local $L v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $L (f32x4.splat (local.get $nlr)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $done (loop $simd
      (br_if $done (i32.ge_u (local.get $i) (local.get $vend)))
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
      (local.set $mv (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $B1))
        (f32x4.mul (local.get $gv) (local.get $C1))))
      (local.set $vv (f32x4.add
        (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $B2))
        (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $C2))))
      (v128.store (i32.add (local.get $om) (local.get $i)) (local.get $mv))
      (v128.store (i32.add (local.get $ov) (local.get $i)) (local.get $vv))
      (v128.store (i32.add (local.get $ow) (local.get $i))
        (f32x4.add
          (f32x4.mul
            (f32x4.div
              (f32x4.div (local.get $mv) (local.get $A1))
              (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $A2))) (local.get $E)))
            (local.get $L))
          (v128.load (i32.add (local.get $w) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $simd)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
      (local.set $ms (f32.add
        (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
        (f32.mul (local.get $gs) (local.get $c1))))
      (local.set $vs (f32.add
        (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
        (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
      (f32.store (i32.add (local.get $om) (local.get $i)) (local.get $ms))
      (f32.store (i32.add (local.get $ov) (local.get $i)) (local.get $vs))
      (f32.store (i32.add (local.get $ow) (local.get $i))
        (f32.add
          (f32.mul
            (f32.div
              (f32.div (local.get $ms) (local.get $a1))
              (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $a2))) (local.get $eps)))
            (local.get $nlr))
          (f32.load (i32.add (local.get $w) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $tail)))
  )

  ;; ---------------------------------------------------------------- out = t·k + s·u
  (func (export "moving_average")
    (param $t i32) (param $s i32) (param $out i32) (param $n i32) (param $k f32) (param $u f32)
    (local $i i32) (local $end i32) (local $vend i32) (local $K v128) (local $U v128)
    (local.set $K (f32x4.splat (local.get $k)))
    (local.set $U (f32x4.splat (local.get $u)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $done (loop $simd
      (br_if $done (i32.ge_u (local.get $i) (local.get $vend)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $t) (local.get $i))) (local.get $K))
          (f32x4.mul (v128.load (i32.add (local.get $s) (local.get $i))) (local.get $U))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $simd)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $out) (local.get $i))
        (f32.add
          (f32.mul (f32.load (i32.add (local.get $t) (local.get $i))) (local.get $k))
          (f32.mul (f32.load (i32.add (local.get $s) (local.get $i))) (local.get $u))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $tail)))
  )

  ;; ---------------------------------------------------------------- leaky ReLU
  ;; value: x > 0 ? x : α·x + 0 (the + 0 turns −0 into +0; NaN stays NaN)
  (func (export "leaky_value") (param $x i32) (param $y i32) (param $n i32) (param $a f32)
    (local $i i32) (local $end i32) (local $vend i32) (local $A v128) (local $xv v128) (local $xs f32)
    (local.set $A (f32x4.splat (local.get $a)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $done (loop $simd
      (br_if $done (i32.ge_u (local.get $i) (local.get $vend)))
      (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
      (v128.store (i32.add (local.get $y) (local.get $i))
        (v128.bitselect
          (local.get $xv)
          (f32x4.add (f32x4.mul (local.get $xv) (local.get $A)) (v128.const f32x4 0 0 0 0))
          (f32x4.gt (local.get $xv) (v128.const f32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $simd)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $xs (f32.load (i32.add (local.get $x) (local.get $i))))
      (f32.store (i32.add (local.get $y) (local.get $i))
        (select
          (local.get $xs)
          (f32.add (f32.mul (local.get $a) (local.get $xs)) (f32.const 0))
          (f32.gt (local.get $xs) (f32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $tail)))
  )

  ;; slope: 1 above 0, α below, 0 at ±0, NaN for NaN
  (func (export "leaky_slope") (param $x i32) (param $y i32) (param $n i32) (param $a f32)
    (local $i i32) (local $end i32) (local $vend i32) (local $A v128) (local $xv v128) (local $xs f32)
    (local.set $A (f32x4.splat (local.get $a)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $done (loop $simd
      (br_if $done (i32.ge_u (local.get $i) (local.get $vend)))
      (local.set $xv (v128.load (i32.add (local.get $x) (local.get $i))))
      (v128.store (i32.add (local.get $y) (local.get $i))
        (v128.bitselect
          (v128.const f32x4 1 1 1 1)
          (v128.bitselect
            (local.get $A)
            (v128.bitselect
              (v128.const f32x4 0 0 0 0)
              (v128.const f32x4 nan nan nan nan)
              (f32x4.eq (local.get $xv) (v128.const f32x4 0 0 0 0)))
            (f32x4.lt (local.get $xv) (v128.const f32x4 0 0 0 0)))
          (f32x4.gt (local.get $xv) (v128.const f32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $simd)))
    (block $done (loop $tail
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $xs (f32.load (i32.add (local.get $x) (local.get $i))))
      (f32.store (i32.add (local.get $y) (local.get $i))
        (select
          (f32.const 1)
          (select
            (local.get $a)
            (select (f32.const 0) (f32.const nan) (f32.eq (local.get $xs) (f32.const 0)))
            (f32.lt (local.get $xs) (f32.const 0)))
          (f32.gt (local.get $xs) (f32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $tail)))
  )

  ;; ---------------------------------------------------------------- batch norm
  ;; Per-channel statistics of x [rows, C]: stats[c] = mean, stats[C + c] = biased variance, both
  ;; summed in float64 over rows (two passes: the mean, then Σ (x − mean)²). acc: 2·C float64s.
  (func (export "bn_moments") (param $x i32) (param $rows i32) (param $C i32) (param $acc i32) (param $stats i32)
    (local $row i32) (local $cb i32) (local $cend i32) (local $c4 i32) (local $xp i32)
    (local $m2 i32) (local $xv v128) (local $d f64) (local $n f64) (local $c i32) (local $at i32) (local $dl v128) (local $dh v128)
    (local.set $cend (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.and (local.get $cend) (i32.const -16)))
    (local.set $m2 (i32.add (local.get $acc) (i32.shl (local.get $C) (i32.const 3))))
    (local.set $n (f64.convert_i32_u (local.get $rows)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $C) (i32.const 4)))
    ;; Σ x: acc[c] at acc + 8c
    (local.set $xp (local.get $x))
    (local.set $row (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $cb (i32.const 0))
      (block $done (loop $simd
        (br_if $done (i32.ge_u (local.get $cb) (local.get $c4)))
        (local.set $xv (v128.load (i32.add (local.get $xp) (local.get $cb))))
        (local.set $at (i32.add (local.get $acc) (i32.shl (local.get $cb) (i32.const 1))))
        (v128.store (local.get $at) (f64x2.add (v128.load (local.get $at)) (f64x2.promote_low_f32x4 (local.get $xv))))
        (v128.store offset=16 (local.get $at) (f64x2.add (v128.load offset=16 (local.get $at))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv)))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $simd)))
      (block $done (loop $tail
        (br_if $done (i32.ge_u (local.get $cb) (local.get $cend)))
        (f64.store (i32.add (local.get $acc) (i32.shl (local.get $cb) (i32.const 1)))
          (f64.add (f64.load (i32.add (local.get $acc) (i32.shl (local.get $cb) (i32.const 1))))
                   (f64.promote_f32 (f32.load (i32.add (local.get $xp) (local.get $cb))))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $tail)))
      (local.set $xp (i32.add (local.get $xp) (local.get $cend)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rows)))
    ;; the means, in float64, in place
    (local.set $c (i32.const 0))
    (block $done (loop $means
      (br_if $done (i32.ge_u (local.get $c) (local.get $C)))
      (f64.store (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3)))
        (f64.div (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3)))) (local.get $n)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $means)))
    ;; Σ (x − mean)²: m2[c] at acc + 8C + 8c
    (local.set $xp (local.get $x))
    (local.set $row (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $cb (i32.const 0))
      (block $done (loop $simd
        (br_if $done (i32.ge_u (local.get $cb) (local.get $c4)))
        (local.set $xv (v128.load (i32.add (local.get $xp) (local.get $cb))))
        (local.set $at (i32.shl (local.get $cb) (i32.const 1)))
        ;; d = x − mean for the low and the high two channels, then m2 += d²
        (local.set $dl (f64x2.sub (f64x2.promote_low_f32x4 (local.get $xv)) (v128.load (i32.add (local.get $acc) (local.get $at)))))
        (local.set $dh (f64x2.sub
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv)))
          (v128.load offset=16 (i32.add (local.get $acc) (local.get $at)))))
        (local.set $at (i32.add (local.get $m2) (local.get $at)))
        (v128.store (local.get $at) (f64x2.add (v128.load (local.get $at)) (f64x2.mul (local.get $dl) (local.get $dl))))
        (v128.store offset=16 (local.get $at) (f64x2.add (v128.load offset=16 (local.get $at)) (f64x2.mul (local.get $dh) (local.get $dh))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $simd)))
      (block $done (loop $tail
        (br_if $done (i32.ge_u (local.get $cb) (local.get $cend)))
        (local.set $d (f64.sub
          (f64.promote_f32 (f32.load (i32.add (local.get $xp) (local.get $cb))))
          (f64.load (i32.add (local.get $acc) (i32.shl (local.get $cb) (i32.const 1))))))
        (f64.store (i32.add (local.get $m2) (i32.shl (local.get $cb) (i32.const 1)))
          (f64.add (f64.load (i32.add (local.get $m2) (i32.shl (local.get $cb) (i32.const 1))))
                   (f64.mul (local.get $d) (local.get $d))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $tail)))
      (local.set $xp (i32.add (local.get $xp) (local.get $cend)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rows)))
    ;; stats = [mean, m2 / rows] as float32
    (local.set $c (i32.const 0))
    (block $done (loop $out
      (br_if $done (i32.ge_u (local.get $c) (local.get $C)))
      (f32.store (i32.add (local.get $stats) (i32.shl (local.get $c) (i32.const 2)))
        (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))))
      (f32.store (i32.add (local.get $stats) (i32.shl (i32.add (local.get $C) (local.get $c)) (i32.const 2)))
        (f32.demote_f64 (f64.div (f64.load (i32.add (local.get $m2) (i32.shl (local.get $c) (i32.const 3)))) (local.get $n))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $out)))
  )

  ;; y = ((x − mean)·r)·γ + β per channel; mean, r, γ, β: C float32s each
  (func (export "bn_normalize")
    (param $x i32) (param $y i32) (param $rows i32) (param $C i32)
    (param $mean i32) (param $r i32) (param $g i32) (param $b i32)
    (local $row i32) (local $cb i32) (local $cend i32) (local $c4 i32) (local $xp i32) (local $yp i32)
    (local.set $cend (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.and (local.get $cend) (i32.const -16)))
    (local.set $xp (local.get $x))
    (local.set $yp (local.get $y))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $cb (i32.const 0))
      (block $done (loop $simd
        (br_if $done (i32.ge_u (local.get $cb) (local.get $c4)))
        (v128.store (i32.add (local.get $yp) (local.get $cb))
          (f32x4.add
            (f32x4.mul
              (f32x4.mul
                (f32x4.sub (v128.load (i32.add (local.get $xp) (local.get $cb))) (v128.load (i32.add (local.get $mean) (local.get $cb))))
                (v128.load (i32.add (local.get $r) (local.get $cb))))
              (v128.load (i32.add (local.get $g) (local.get $cb))))
            (v128.load (i32.add (local.get $b) (local.get $cb)))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $simd)))
      (block $done (loop $tail
        (br_if $done (i32.ge_u (local.get $cb) (local.get $cend)))
        (f32.store (i32.add (local.get $yp) (local.get $cb))
          (f32.add
            (f32.mul
              (f32.mul
                (f32.sub (f32.load (i32.add (local.get $xp) (local.get $cb))) (f32.load (i32.add (local.get $mean) (local.get $cb))))
                (f32.load (i32.add (local.get $r) (local.get $cb))))
              (f32.load (i32.add (local.get $g) (local.get $cb))))
            (f32.load (i32.add (local.get $b) (local.get $cb)))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $tail)))
      (local.set $xp (i32.add (local.get $xp) (local.get $cend)))
      (local.set $yp (i32.add (local.get $yp) (local.get $cend)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rows)))
  )

  ;; Σ dy and Σ dy·x̂ per channel (x̂ = (x − mean)·r in float32), summed in float64 into acc
  ;; (2·C float64s: Σ dy, then Σ dy·x̂)
  (func (export "bn_grad_sums")
    (param $dy i32) (param $x i32) (param $rows i32) (param $C i32) (param $mean i32) (param $r i32) (param $acc i32)
    (local $row i32) (local $cb i32) (local $cend i32) (local $c4 i32) (local $xp i32) (local $dp i32)
    (local $s2 i32) (local $dv v128) (local $hv v128) (local $d f64) (local $at i32) (local $p i32)
    (local $dl v128) (local $dh v128) (local $hl v128) (local $hh v128)
    (local.set $cend (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.and (local.get $cend) (i32.const -16)))
    (local.set $s2 (i32.add (local.get $acc) (i32.shl (local.get $C) (i32.const 3))))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $C) (i32.const 4)))
    (local.set $xp (local.get $x))
    (local.set $dp (local.get $dy))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $cb (i32.const 0))
      (block $done (loop $simd
        (br_if $done (i32.ge_u (local.get $cb) (local.get $c4)))
        (local.set $dv (v128.load (i32.add (local.get $dp) (local.get $cb))))
        (local.set $hv (f32x4.mul
          (f32x4.sub (v128.load (i32.add (local.get $xp) (local.get $cb))) (v128.load (i32.add (local.get $mean) (local.get $cb))))
          (v128.load (i32.add (local.get $r) (local.get $cb)))))
        (local.set $at (i32.shl (local.get $cb) (i32.const 1)))
        ;; dy and x̂ as float64 pairs, low and high two channels
        (local.set $dl (f64x2.promote_low_f32x4 (local.get $dv)))
        (local.set $dh (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $dv) (local.get $dv))))
        (local.set $hl (f64x2.promote_low_f32x4 (local.get $hv)))
        (local.set $hh (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $hv) (local.get $hv))))
        (local.set $p (i32.add (local.get $acc) (local.get $at)))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $dl)))
        (v128.store offset=16 (local.get $p) (f64x2.add (v128.load offset=16 (local.get $p)) (local.get $dh)))
        (local.set $p (i32.add (local.get $s2) (local.get $at)))
        (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (f64x2.mul (local.get $dl) (local.get $hl))))
        (v128.store offset=16 (local.get $p) (f64x2.add (v128.load offset=16 (local.get $p)) (f64x2.mul (local.get $dh) (local.get $hh))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $simd)))
      (block $done (loop $tail
        (br_if $done (i32.ge_u (local.get $cb) (local.get $cend)))
        (local.set $at (i32.shl (local.get $cb) (i32.const 1)))
        (local.set $d (f64.promote_f32 (f32.load (i32.add (local.get $dp) (local.get $cb)))))
        (f64.store (i32.add (local.get $acc) (local.get $at)) (f64.add (f64.load (i32.add (local.get $acc) (local.get $at))) (local.get $d)))
        (f64.store (i32.add (local.get $s2) (local.get $at))
          (f64.add (f64.load (i32.add (local.get $s2) (local.get $at)))
            (f64.mul (local.get $d)
              (f64.promote_f32 (f32.mul
                (f32.sub (f32.load (i32.add (local.get $xp) (local.get $cb))) (f32.load (i32.add (local.get $mean) (local.get $cb))))
                (f32.load (i32.add (local.get $r) (local.get $cb))))))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $tail)))
      (local.set $xp (i32.add (local.get $xp) (local.get $cend)))
      (local.set $dp (i32.add (local.get $dp) (local.get $cend)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rows)))
  )

  ;; dx = ((dy − mdy) − x̂·mdh)·scale per channel, x̂ = (x − mean)·r; all per-channel arrays C float32s
  (func (export "bn_input_grad")
    (param $dy i32) (param $x i32) (param $dx i32) (param $rows i32) (param $C i32)
    (param $mean i32) (param $r i32) (param $mdy i32) (param $mdh i32) (param $scale i32)
    (local $row i32) (local $cb i32) (local $cend i32) (local $c4 i32) (local $xp i32) (local $dp i32) (local $op i32)
    (local.set $cend (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.and (local.get $cend) (i32.const -16)))
    (local.set $xp (local.get $x))
    (local.set $dp (local.get $dy))
    (local.set $op (local.get $dx))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $cb (i32.const 0))
      (block $done (loop $simd
        (br_if $done (i32.ge_u (local.get $cb) (local.get $c4)))
        (v128.store (i32.add (local.get $op) (local.get $cb))
          (f32x4.mul
            (f32x4.sub
              (f32x4.sub (v128.load (i32.add (local.get $dp) (local.get $cb))) (v128.load (i32.add (local.get $mdy) (local.get $cb))))
              (f32x4.mul
                (f32x4.mul
                  (f32x4.sub (v128.load (i32.add (local.get $xp) (local.get $cb))) (v128.load (i32.add (local.get $mean) (local.get $cb))))
                  (v128.load (i32.add (local.get $r) (local.get $cb))))
                (v128.load (i32.add (local.get $mdh) (local.get $cb)))))
            (v128.load (i32.add (local.get $scale) (local.get $cb)))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $simd)))
      (block $done (loop $tail
        (br_if $done (i32.ge_u (local.get $cb) (local.get $cend)))
        (f32.store (i32.add (local.get $op) (local.get $cb))
          (f32.mul
            (f32.sub
              (f32.sub (f32.load (i32.add (local.get $dp) (local.get $cb))) (f32.load (i32.add (local.get $mdy) (local.get $cb))))
              (f32.mul
                (f32.mul
                  (f32.sub (f32.load (i32.add (local.get $xp) (local.get $cb))) (f32.load (i32.add (local.get $mean) (local.get $cb))))
                  (f32.load (i32.add (local.get $r) (local.get $cb))))
                (f32.load (i32.add (local.get $mdh) (local.get $cb)))))
            (f32.load (i32.add (local.get $scale) (local.get $cb)))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $tail)))
      (local.set $xp (i32.add (local.get $xp) (local.get $cend)))
      (local.set $dp (i32.add (local.get $dp) (local.get $cend)))
      (local.set $op (i32.add (local.get $op) (local.get $cend)))
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $rows)))
  )

  ;; ---------------------------------------------------------------- im2col (NHWC)
  ;; cols[(b, oh, ow), (kh, kw, ch)] = x[b, oh·sH − top + kh, ow·sW − left + kw, ch], 0 outside the
  ;; image: one copy per filter row of the kw·c floats that land inside; a window's floats are
  ;; zeroed first only when part of it lies outside.
  (func (export "im2col")
    (param $x i32) (param $cols i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $top i32) (param $left i32)
    (param $outH i32) (param $outW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $image i32) (local $at i32)
    (local $pixel i32) (local $window i32) (local $ih0 i32) (local $iw0 i32) (local $kw0 i32) (local $kw1 i32)
    (local $ih i32) (local $inside i32) (local $to i32) (local $from i32) (local $len i32) (local $o i32)
    (local.set $pixel (i32.shl (local.get $c) (i32.const 2)))
    (local.set $window (i32.mul (i32.mul (local.get $kH) (local.get $kW)) (local.get $pixel)))
    (local.set $at (local.get $cols))
    (block $b_done (loop $b_loop
      (br_if $b_done (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $image (i32.add (local.get $x)
        (i32.mul (i32.mul (i32.mul (local.get $b) (local.get $h)) (local.get $w)) (local.get $pixel))))
      (local.set $oh (i32.const 0))
      (block $oh_done (loop $oh_loop
        (br_if $oh_done (i32.ge_s (local.get $oh) (local.get $outH)))
        (local.set $ih0 (i32.sub (i32.mul (local.get $oh) (local.get $sH)) (local.get $top)))
        (local.set $inside (i32.and
          (i32.ge_s (local.get $ih0) (i32.const 0))
          (i32.le_s (i32.add (local.get $ih0) (local.get $kH)) (local.get $h))))
        (local.set $ow (i32.const 0))
        (block $ow_done (loop $ow_loop
          (br_if $ow_done (i32.ge_s (local.get $ow) (local.get $outW)))
          (local.set $iw0 (i32.sub (i32.mul (local.get $ow) (local.get $sW)) (local.get $left)))
          (local.set $kw0 (select (i32.sub (i32.const 0) (local.get $iw0)) (i32.const 0) (i32.lt_s (local.get $iw0) (i32.const 0))))
          (local.set $kw1 (select (local.get $kW) (i32.sub (local.get $w) (local.get $iw0))
            (i32.le_s (local.get $kW) (i32.sub (local.get $w) (local.get $iw0)))))
          (if (i32.or (i32.eqz (local.get $inside))
                (i32.or (i32.gt_s (local.get $kw0) (i32.const 0)) (i32.lt_s (local.get $kw1) (local.get $kW))))
            (then (memory.fill (local.get $at) (i32.const 0) (local.get $window))))
          (if (i32.gt_s (local.get $kw1) (local.get $kw0))
            (then
              (local.set $kh (i32.const 0))
              (block $kh_done (loop $kh_loop
                (br_if $kh_done (i32.ge_s (local.get $kh) (local.get $kH)))
                (local.set $ih (i32.add (local.get $ih0) (local.get $kh)))
                (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $h)))
                  (then
                    (local.set $to (i32.add (local.get $at)
                      (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $kW)) (local.get $kw0)) (local.get $pixel))))
                    (local.set $from (i32.add (local.get $image)
                      (i32.mul (i32.add (i32.add (i32.mul (local.get $ih) (local.get $w)) (local.get $iw0)) (local.get $kw0)) (local.get $pixel))))
                    (local.set $len (i32.mul (i32.sub (local.get $kw1) (local.get $kw0)) (local.get $pixel)))
                    ;; A short run (a 1–4 channel image: 4–64 bytes) is copied in registers:
                    ;; memory.copy is a call into the runtime, which costs more than such a copy.
                    (if (i32.le_u (local.get $len) (i32.const 128))
                      (then
                        (local.set $o (i32.const 0))
                        (block $v_done (loop $v_loop
                          (br_if $v_done (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $len)))
                          (v128.store (i32.add (local.get $to) (local.get $o)) (v128.load (i32.add (local.get $from) (local.get $o))))
                          (local.set $o (i32.add (local.get $o) (i32.const 16)))
                          (br $v_loop)))
                        (block $s_done (loop $s_loop
                          (br_if $s_done (i32.ge_u (local.get $o) (local.get $len)))
                          (i32.store (i32.add (local.get $to) (local.get $o)) (i32.load (i32.add (local.get $from) (local.get $o))))
                          (local.set $o (i32.add (local.get $o) (i32.const 4)))
                          (br $s_loop))))
                      (else (memory.copy (local.get $to) (local.get $from) (local.get $len))))))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br $kh_loop)))))
          (local.set $at (i32.add (local.get $at) (local.get $window)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $ow_loop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $oh_loop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $b_loop)))
  )

  ;; ---------------------------------------------------------------- a transposed convolution's phase
  ;; dx[b, y0 + i·sH, x0 + j·sW, ch] = phase[(b, i, j), ch] for the phase's rows i and cols j: one
  ;; copy of c floats per pixel. dx: [n, h, w, c].
  (func (export "scatter_phase")
    (param $src i32) (param $dst i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $rows i32) (param $cols i32) (param $y0 i32) (param $x0 i32) (param $sH i32) (param $sW i32)
    (local $b i32) (local $i i32) (local $j i32) (local $pixel i32) (local $step i32) (local $to i32) (local $from i32) (local $o i32)
    (local.set $pixel (i32.shl (local.get $c) (i32.const 2)))
    (local.set $step (i32.mul (local.get $sW) (local.get $pixel)))
    (local.set $from (local.get $src))
    (block $b_done (loop $b_loop
      (br_if $b_done (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $i (i32.const 0))
      (block $i_done (loop $i_loop
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $rows)))
        (local.set $to (i32.add (local.get $dst)
          (i32.mul
            (i32.add
              (i32.mul
                (i32.add (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $y0)) (i32.mul (local.get $i) (local.get $sH)))
                (local.get $w))
              (local.get $x0))
            (local.get $pixel))))
        (local.set $j (i32.const 0))
        (block $j_done (loop $j_loop
          (br_if $j_done (i32.ge_s (local.get $j) (local.get $cols)))
          ;; As in im2col: a pixel of 1–32 channels is copied in registers, a wider one by memory.copy.
          (if (i32.le_u (local.get $pixel) (i32.const 128))
            (then
              (local.set $o (i32.const 0))
              (block $v_done (loop $v_loop
                (br_if $v_done (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $pixel)))
                (v128.store (i32.add (local.get $to) (local.get $o)) (v128.load (i32.add (local.get $from) (local.get $o))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $v_loop)))
              (block $s_done (loop $s_loop
                (br_if $s_done (i32.ge_u (local.get $o) (local.get $pixel)))
                (i32.store (i32.add (local.get $to) (local.get $o)) (i32.load (i32.add (local.get $from) (local.get $o))))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (br $s_loop))))
            (else (memory.copy (local.get $to) (local.get $from) (local.get $pixel))))
          (local.set $to (i32.add (local.get $to) (local.get $step)))
          (local.set $from (i32.add (local.get $from) (local.get $pixel)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $j_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $b_loop)))
  )

  ;; ---------------------------------------------------------------- col2im (NHWC), adding
  ;; dx = 0, then dx[b, oh·sH − top + kh, ow·sW − left + kw, ch] += cols[(b, oh, ow), (kh, kw, ch)]
  ;; for every window tap inside the image, in row order (as a JavaScript loop over float32 adds).
  (func (export "col2im_add")
    (param $cols i32) (param $dx i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $kH i32) (param $kW i32) (param $sH i32) (param $sW i32) (param $top i32) (param $left i32)
    (param $outH i32) (param $outW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ch i32)
    (local $pixel i32) (local $from i32) (local $ih i32) (local $iw i32) (local $to i32) (local $src i32)
    (local.set $pixel (i32.shl (local.get $c) (i32.const 2)))
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.mul (i32.mul (i32.mul (local.get $n) (local.get $h)) (local.get $w)) (local.get $pixel)))
    (local.set $from (local.get $cols))
    (block $b_done (loop $b_loop
      (br_if $b_done (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $oh (i32.const 0))
      (block $oh_done (loop $oh_loop
        (br_if $oh_done (i32.ge_s (local.get $oh) (local.get $outH)))
        (local.set $ow (i32.const 0))
        (block $ow_done (loop $ow_loop
          (br_if $ow_done (i32.ge_s (local.get $ow) (local.get $outW)))
          (local.set $kh (i32.const 0))
          (block $kh_done (loop $kh_loop
            (br_if $kh_done (i32.ge_s (local.get $kh) (local.get $kH)))
            (local.set $ih (i32.add (i32.sub (i32.mul (local.get $oh) (local.get $sH)) (local.get $top)) (local.get $kh)))
            (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $h)))
              (then
                (local.set $kw (i32.const 0))
                (block $kw_done (loop $kw_loop
                  (br_if $kw_done (i32.ge_s (local.get $kw) (local.get $kW)))
                  (local.set $iw (i32.add (i32.sub (i32.mul (local.get $ow) (local.get $sW)) (local.get $left)) (local.get $kw)))
                  (if (i32.and (i32.ge_s (local.get $iw) (i32.const 0)) (i32.lt_s (local.get $iw) (local.get $w)))
                    (then
                      (local.set $to (i32.add (local.get $dx)
                        (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $ih)) (local.get $w)) (local.get $iw)) (local.get $pixel))))
                      (local.set $src (i32.add (local.get $from)
                        (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $kW)) (local.get $kw)) (local.get $pixel))))
                      (local.set $ch (i32.const 0))
                      (block $simd_done (loop $simd_loop
                        (br_if $simd_done (i32.gt_s (i32.add (local.get $ch) (i32.const 16)) (local.get $pixel)))
                        (v128.store (i32.add (local.get $to) (local.get $ch))
                          (f32x4.add (v128.load (i32.add (local.get $to) (local.get $ch))) (v128.load (i32.add (local.get $src) (local.get $ch)))))
                        (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
                        (br $simd_loop)))
                      (block $ch_done (loop $ch_loop
                        (br_if $ch_done (i32.ge_s (local.get $ch) (local.get $pixel)))
                        (f32.store (i32.add (local.get $to) (local.get $ch))
                          (f32.add (f32.load (i32.add (local.get $to) (local.get $ch))) (f32.load (i32.add (local.get $src) (local.get $ch)))))
                        (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
                        (br $ch_loop)))))
                  (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                  (br $kw_loop)))))
            (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
            (br $kh_loop)))
          (local.set $from (i32.add (local.get $from) (i32.mul (i32.mul (local.get $kH) (local.get $kW)) (local.get $pixel))))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $ow_loop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $oh_loop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $b_loop)))
  )
)
