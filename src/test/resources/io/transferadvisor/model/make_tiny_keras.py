#!/usr/bin/python3
"""Writes tiny-keras.h5: a Keras 2.2.4-format Sequential CNN (Conv2D 3x3x2 relu -> MaxPool 2 -> Flatten ->
Dense 3 softmax) on 28x28x1 inputs, with fixed weights, plus tiny-keras-expected.json: the numpy forward pass
of a fixed input. Needs only h5py + numpy (Debian python3-h5py), no Keras/TensorFlow.
Run: /usr/bin/python3 make_tiny_keras.py  (in this folder)"""
import json
import h5py
import numpy as np

rng = np.random.default_rng(20)
kernel = rng.normal(0, 0.5, (3, 3, 1, 2)).astype("float32")   # HWIO, as Keras stores it
bias = np.array([0.1, -0.05], dtype="float32")
dense_k = rng.normal(0, 0.2, (13 * 13 * 2, 3)).astype("float32")
dense_b = np.array([0.0, 0.1, -0.1], dtype="float32")

init = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
zeros = {"class_name": "Zeros", "config": {}}
common = {"kernel_initializer": init, "bias_initializer": zeros, "kernel_regularizer": None, "bias_regularizer": None,
          "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None, "use_bias": True, "trainable": True}
layers = [
    {"class_name": "Conv2D", "config": dict(common, name="conv2d_1", batch_input_shape=[None, 28, 28, 1], dtype="float32",
                                            filters=2, kernel_size=[3, 3], strides=[1, 1], padding="valid",
                                            data_format="channels_last", dilation_rate=[1, 1], activation="relu")},
    {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d_1", "trainable": True, "pool_size": [2, 2],
                                              "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
    {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True, "data_format": "channels_last"}},
    {"class_name": "Dense", "config": dict(common, name="dense_1", units=3, activation="softmax")},
]
config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": layers}}

with h5py.File("tiny-keras.h5", "w") as f:
    f.attrs["keras_version"] = b"2.2.4"
    f.attrs["backend"] = b"tensorflow"
    f.attrs["model_config"] = json.dumps(config).encode("utf-8")
    w = f.create_group("model_weights")
    w.attrs["layer_names"] = np.array([b"conv2d_1", b"max_pooling2d_1", b"flatten_1", b"dense_1"])
    w.attrs["backend"] = b"tensorflow"
    w.attrs["keras_version"] = b"2.2.4"
    for name, weights in [("conv2d_1", [("kernel:0", kernel), ("bias:0", bias)]), ("max_pooling2d_1", []),
                          ("flatten_1", []), ("dense_1", [("kernel:0", dense_k), ("bias:0", dense_b)])]:
        g = w.create_group(name)
        g.attrs["weight_names"] = np.array([f"{name}/{n}".encode() for n, _ in weights], dtype="S")
        for n, a in weights:
            g.create_dataset(f"{name}/{n}", data=a)

# numpy forward pass of a fixed input (channels_last), the reference for the import test
x = (np.arange(28 * 28).reshape(28, 28) % 7 / 7.0).astype("float32")
conv = np.zeros((26, 26, 2), dtype="float64")
for i in range(26):
    for j in range(26):
        patch = x[i:i + 3, j:j + 3]
        for c in range(2):
            conv[i, j, c] = np.sum(patch * kernel[:, :, 0, c]) + bias[c]
conv = np.maximum(conv, 0)
pool = conv.reshape(13, 2, 13, 2, 2).max(axis=(1, 3))
logits = pool.reshape(-1) @ dense_k + dense_b
p = np.exp(logits - logits.max())
p /= p.sum()
with open("tiny-keras-expected.json", "w") as f:
    json.dump({"input": "x[i][j] = ((28*i + j) % 7) / 7", "probabilities": [float(v) for v in p]}, f, indent=1)
print("wrote tiny-keras.h5", p)
