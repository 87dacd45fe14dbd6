/**
 * The seed → z function as a standalone script for exported models (latent.js), so a web page names
 * the same latent for a seed as the app, its sidecars and the CLI do. It is the same algorithm as
 * sampling/latents.ts (mulberry32 from train/rng.ts, Box–Muller keeping the cosine draw, the seed
 * hashed by a golden-ratio multiply, truncation by redraws from the same stream); latent-js.test.ts
 * runs this text against latentForSeed on many seeds, so the two cannot drift apart unnoticed.
 */
export const LATENT_JS = `/* GAN Studio: seed → latent vector z, identical to the app's (sampling/latents.ts). */
(function (root) {
  'use strict';
  function mulberry32(state) {
    state = state >>> 0;
    return function next() {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  /** zDim values from N(0, 1) ('normal') or U(−1, 1) ('uniform'); |z_i| > threshold are redrawn. */
  function latentForSeed(seed, zDim, distribution, threshold) {
    var next = mulberry32(Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x85ebca6b);
    var draw = distribution === 'uniform'
      ? function () { return next() * 2 - 1; }
      : function () {
          var u = 1 - next();
          var v = next();
          return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        };
    var z = new Float32Array(zDim);
    for (var i = 0; i < zDim; i++) z[i] = draw();
    if (threshold !== undefined && threshold !== null) {
      for (var k = 0; k < zDim; k++) while (Math.abs(z[k]) > threshold) z[k] = draw();
    }
    return z;
  }
  /** The model's input row: z, then (conditional models) the one-hot class. */
  function modelInput(z, numClasses, cls) {
    var row = new Float32Array(z.length + numClasses);
    row.set(z);
    if (numClasses > 0) row[z.length + cls] = 1;
    return row;
  }
  var api = { latentForSeed: latentForSeed, modelInput: modelInput };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ganStudioLatent = api;
})(typeof self !== 'undefined' ? self : this);
`;
