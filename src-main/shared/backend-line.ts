import type { BackendReport } from '../api/schemas';

/** One line naming the compute backend, as the CLI prints it:
 *  "wasm (@tensorflow/tfjs-backend-wasm), 2 threads, convolutions on onnxruntime-node 1.31.1". */
export function backendLine(report: BackendReport): string {
  // A data-parallel trainer's own process computes on one thread: the replicas say it all.
  const threads = report.threads && !(report.trainingReplicas && report.threads === 1) ? `, ${report.threads} thread${report.threads === 1 ? '' : 's'}` : '';
  const native = report.native?.version ? `, convolutions on ${report.native.provider} ${report.native.version}` : '';
  const replicas = report.trainingReplicas ? `, training on ${report.trainingReplicas} data-parallel replicas of one thread each` : '';
  return `${report.active} (${report.provider})${threads}${native}${replicas}`;
}
