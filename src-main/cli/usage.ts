/**
 * Every command's --help text, kept apart from the commands so that `gan-studio --help`,
 * `<command> --help` and `--version` answer at once, without loading TensorFlow.js or sharp.
 */
import { presetNames } from '../api/training';
import { architectures, lossKinds } from '../api/train-config';
import { extractorKinds, metricRequests } from '../api/evaluation';

export const serveUsage = `Usage: gan-studio serve [options]

  --port <n>       Port to listen on (default: a free one)
  --host <addr>    Loopback address to bind (default 127.0.0.1)
  --backend <b>    auto | tensorflow | webgpu | wasm | cpu (default auto)
  --threads <n>    CPU threads for the engine's wasm backend, 1–8 (or GAN_STUDIO_THREADS)
  --project <dir>  Project folder for runs (default ~/Documents/GAN Studio/Default project)
`;

export const importUsage = `Usage: gan-studio import <folder> [options]

  --project <dir>     Project to import into (created if missing)  [~/Documents/GAN Studio/Default project]
  --dataset <name>    The project's dataset of this name: replaced if it exists, else created
                      (a project holds several)                    [the folder's name]
  --size <n>          Width and height in pixels                   [64]
  --width/--height    Non-square sizes
  --fit <mode>        crop | pad | stretch                         [crop]
  --channels <n>      1 (grayscale) | 3 (RGB)                      [3]
  --background <hex>  Behind transparency and letterboxing        [#000000]
  --no-labels         Do not use subfolder names as classes
  --report            Print every skipped file with its reason
`;

export const trainUsage = `Usage: gan-studio train [options]

  --data <name>        mnist (the built-in digits) | project (the --project project's first dataset)
                       | project:<id> or project:<name> (another of its datasets, as import prints it)  [mnist]
  --preset <name>      ${presetNames.join(' | ')}                         [dcgan]
  --model <name>       ${architectures.join(' | ')} (overrides the preset's)
  --loss <name>        ${lossKinds.join(' | ')}
  --steps <n>          Generator steps to train
  --batch <n>          Batch size
  --clusters <k>       Condition on k (2–100) clusters k-means finds in the images (self-conditioning; no labels needed)
  --lr <x>             Learning rate of both networks
  --lr-decay <share>   Both learning rates fall linearly to 0 over this share of the last steps (0–1) [0]
  --r1 <γ>             R1 penalty on D's gradient at the real images (not with wgan/wgan-gp; 0: off) [the preset's: 1 for small-colour, else 0]
  --eval-every <n>     Measure KID (or a --config file's metric) every n steps on the domain classifier, marking the best checkpoint (0: off) [0]
  --patience <n>       Early stopping: end the run after n evaluations in a row without a new best (0: off) [0]
  --seed <n>           Random seed
  --config <file>      A full config.json (as the app saves it); other flags override it
  --project <dir>      Project folder; the run goes to <dir>/runs/<id> (--out: its old name) [~/Documents/GAN Studio/Default project]
  --resume <run dir>   Continue a run from its newest checkpoint, with the settings it started with
  --backend <b>        auto | tensorflow | webgpu | wasm | cpu                        [auto]
  --threads <n>        CPU threads for wasm, 1–8 (or GAN_STUDIO_THREADS)    [all cores ≤ 2, else all but one]
  --tensorboard        Also write TensorBoard event files next to the run's metrics.jsonl
`;

export const sampleUsage = `Usage: gan-studio sample --run <run dir> --out <grid.png> [options]

  --n <count>          Images, seeds --seed, --seed + 1, … (as \`export images\` draws them)
  --seed <n>           First seed                                      [0]
                       Without --n and --seed: the run's fixed 8×8 noise, as in its samples/ grids
  --checkpoint <file>  A checkpoint of the run, e.g. ckpt-000004000.gsc  [the newest]
  --backend <b>        auto | tensorflow | webgpu | wasm | cpu
  --threads <n>        CPU threads for wasm, 1–8 (or GAN_STUDIO_THREADS)
`;

export const exportUsage = `Usage: gan-studio export <kind> --run <run dir> [options]
       gan-studio export --from <export>/sidecar.json      (the same export again, into a new folder)

Kinds: grid | images | animation | timelapse | html | model

  --out <folder>       The export folder to create; it must not exist  [<project>/exports/<kind>-<run>-step<N>]
  --checkpoint <file>  A checkpoint of the run, e.g. ckpt-000004000.gsc  [the newest]
  --seed <n>           First seed                                      [0]
  --n <count>          Images: grid 64, images 1000 (up to 50,000), html 64; animation: walks side by side [1]
  --class <k>          Class for a conditional model                   [cycle through the classes]
  --psi <ψ>            Truncation toward the mean latent, 0–1          [1]
  --threshold <t>      Redraw |z| beyond t (truncated normal)
  Grids and animations:
  --cols <n>           Columns                                         [8, or fewer walks]
  --padding <px>       [2]   --background <#rrggbb> [#000000]   --scale <n> [1]
  --captions <what>    none | seed | class | seed-class                [none]
  Animations (interpolation, timelapse):
  --keyframes <n>      Seeds each walk passes through                  [4]
  --frames <n>         Frames from one keyframe to the next            [12]
  --path <p>           slerp | linear                                  [slerp]
  --once               Play once instead of looping (an open walk)
  --format <f>         gif | webp | mp4 (needs ffmpeg)                  [gif]
  --delay <ms>         Per frame                                       [80]
  --max-frames <n>     Timelapse: thin the run's sample grids to this  [120]
  --backend <b>        auto | tensorflow | webgpu | wasm | cpu                  [auto]
  --threads <n>        CPU threads for wasm, 1–8 (or GAN_STUDIO_THREADS)
`;

export const evalUsage = `Usage: gan-studio eval --run <run dir> [options]

  --checkpoint <file>      A checkpoint of the run, e.g. ckpt-000005000.gsc  [the newest]
  --metric <list>          Comma-separated: ${metricRequests.join(', ')}  [kid,pr]
                           (pr = precision and recall, dc = density and coverage)
  --samples <n>            Generated images (and held-out real images for the baseline)  [1000]
  --extractor <name>       ${extractorKinds.join(' | ')}  [classifier]
  --bootstrap <n>          Bootstrap resamples for the intervals (0: none)  [100]
  --seed <n>               Seed of the latents and splits  [0]
  --repeats <n>            Draws (seeds seed…seed+n−1, other latents and real halves): each metric's median
                           and range (in place of --bootstrap's intervals); one KID on a small dataset
                           can move ×2–5 between draws  [1, at most 10]
  --inception-url <url>    Download a TF.js graph model (model.json URL) into the project's cache first
  --inception-sha256 <h>   The SHA-256 model.json must have (refuses anything else)
  --inception-dir <folder> Import a TF.js graph model from a folder (model.json + weight shards) instead
  --inception-range=<r>    0,1 (TF-Hub Inception-v3) | -1,1 (Keras InceptionV3, converted)  [0,1]
  --json                   Print the result record as JSON instead of a table
  --backend <b>            auto | tensorflow | webgpu | wasm | cpu  [auto]
  --threads <n>            CPU threads for wasm, 1–8 (or GAN_STUDIO_THREADS)

The domain classifier is trained on the run's dataset the first time (cached in
<project>/evaluation); Inception FID misleads on small or grayscale images.
`;

export const exportDatasetUsage = `Usage: gan-studio export-dataset stylegan [options]

Writes the project's imported dataset as a StyleGAN2-ADA dataset zip (dataset_tool.py's layout:
00000/img00000000.png …, dataset.json with class labels when every image has one).

  --project <dir>   Project whose dataset to export   [~/Documents/GAN Studio/Default project]
  --out <file.zip>  Where to write it                 [<project>/exports/stylegan-<project>-<time>.zip]
`;

export const metricsUsage = `Usage: gan-studio metrics --run <run dir> [options]

Reads a run's metrics.jsonl (writes to the run only with --tensorboard). Without --csv or --tensorboard, prints a summary.

  --csv               One row per logged step: the columns of metrics.jsonl's step lines
  --out <file>        Write the CSV there instead of to standard output
  --tensorboard       Write a TensorBoard event file next to the run's metrics.jsonl (replacing
                      those GAN Studio wrote there before), so that
                      \`tensorboard --logdir <project>/runs\` shows the run's curves
`;
