/**
 * tf.js's wasm backend copies its input for Identity and for a Cast to the same dtype; the cpu and
 * webgpu backends share the input's buffer (as every backend does for Reshape). Every tensor a
 * gradient tape saves is such a clone, and the gradient of a clone is such a cast, so on wasm the
 * tape held a second copy of nearly everything it saved: a quarter of the critic step's memory at
 * full widths (measured here). Tensors are never written in place, so sharing is safe: the buffer
 * lives while any tensor refers to it, as for Reshape.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackend {
  incRef(dataId: object): void;
}

function share(x: tf.TensorInfo, backend: WasmBackend, dtype: tf.DataType = x.dtype): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

let installed = false;

/** Replaces wasm's copying Identity and same-dtype Cast with buffer-sharing ones; idempotent. */
export function shareWasmIdentity(): void {
  if (installed) return;
  installed = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => share(inputs.x as tf.TensorInfo, backend as unknown as WasmBackend),
  });
  const cast = tf.getKernel('Cast', 'wasm')!.kernelFunc;
  tf.unregisterKernel('Cast', 'wasm');
  tf.registerKernel({
    kernelName: 'Cast',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
      return dtype === x.dtype ? share(x, args.backend as unknown as WasmBackend) : cast(args);
    },
  });
}
