// As in the app (engine/runtime.ts): tfjs in production mode, without its tfjs-node banner.
import * as tf from '@tensorflow/tfjs-core';

tf.env().set('PROD', true);
