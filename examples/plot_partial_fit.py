"""
=======================================
Learning from a stream with partial_fit
=======================================

``partial_fit`` runs one epoch of mini-batch SGD on the chunk it is given and
keeps the weights, the momentum and the learning rate for the next call, so
a model can learn from data that arrives in pieces or does not fit in
memory. A classifier must be told every label on the first call, through
``classes``, because the first chunk may not contain them all.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier

X, y = make_classification(
    n_samples=12_000, n_features=20, n_informative=10, n_classes=3,
    n_clusters_per_class=2, class_sep=1.2, random_state=0,
)
X_stream, y_stream = X[:10_000], y[:10_000]
X_test, y_test = X[10_000:], y[10_000:]

# A scaler fitted on a first look at the data; in a real stream, fit it on
# the first chunk or use known bounds of the features.
scaler = MinMaxScaler().fit(X_stream[:500])
X_test = scaler.transform(X_test)

model = SigmoidMLPClassifier(hidden_layer_sizes=(50,), random_state=0)
chunk_size = 500
seen, scores = [], []
for start in range(0, len(X_stream), chunk_size):
    X_chunk = scaler.transform(X_stream[start:start + chunk_size])
    y_chunk = y_stream[start:start + chunk_size]
    model.partial_fit(X_chunk, y_chunk, classes=np.unique(y))
    seen.append(model.t_)
    scores.append(model.score(X_test, y_test))
print(f"after {model.t_} samples: held-out accuracy {scores[-1]:.3f}")

# %%
# The held-out accuracy after each chunk
# --------------------------------------
fig, (ax_score, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
ax_score.plot(seen, scores, "o-")
ax_score.set(xlabel="training samples seen (t_)", ylabel="held-out accuracy",
             title="score after each chunk of 500")
ax_loss.plot(seen, model.loss_curve_, "o-", color="C1")
ax_loss.set(xlabel="training samples seen (t_)", ylabel="training cost C of the chunk",
            title="loss_curve_: one entry per partial_fit call")
fig.tight_layout()
plt.show()

# %%
# Each chunk is seen only once, yet the held-out accuracy climbs as the
# chunks arrive (with some noise from one chunk to the next, since each
# call is a single pass over 500 samples) and the model is useful long
# before the stream ends.
