"""
=====================================
Quick start: handwritten digits
=====================================

Train :class:`~sknn.SigmoidMLPClassifier` on scikit-learn's 8×8 digits in a
:class:`~sklearn.pipeline.Pipeline` after a
:class:`~sklearn.preprocessing.MinMaxScaler`, which puts the pixels in
[0, 1] where sigmoid units work best.
"""

# %%
# Fit the pipeline
# ----------------
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
model = make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(random_state=0))
model.fit(X_train, y_train)
net = model[-1]
print(f"held-out accuracy: {model.score(X_test, y_test):.3f} after {net.n_iter_} epochs")

# %%
# Look at the result
# ------------------
# Left: the training cost after every epoch (``loss_curve_``), drawn by
# :class:`~sknn.plotting.LossCurveDisplay` (a pipeline ending in the network
# will do). Right: the confusion matrix on the held-out images — most
# mistakes are between digits that look alike.
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay

from sknn.plotting import LossCurveDisplay

fig, (ax_loss, ax_cm) = plt.subplots(1, 2, figsize=(10, 4.2))
LossCurveDisplay.from_estimator(model, ax=ax_loss)
ax_loss.set_title("loss_curve_")
ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, ax=ax_cm, colorbar=False)
ax_cm.set_title("held-out confusion matrix")
fig.tight_layout()

# %%
# Probabilities
# -------------
# ``predict_proba`` gives one probability per class (a softmax output layer);
# here are the first held-out images with the model's most likely class.
proba = model.predict_proba(X_test[:8])
fig, axes = plt.subplots(1, 8, figsize=(10, 1.9))
for ax, image, p in zip(axes, X_test[:8], proba):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
    ax.set_title(f"{p.argmax()} ({p.max():.2f})", fontsize=10)
    ax.axis("off")
plt.show()
