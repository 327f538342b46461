"""class_weight of SigmoidMLPClassifier: weights per class, multiplied into sᵢ."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import SigmoidMLPClassifier
from sknn._class_weight import _BALANCED_TAKES_WEIGHTS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def imbalanced():
    """90 % / 10 %, two overlapping classes: unweighted, the minority loses."""
    X, y = make_classification(
        1000, n_features=5, n_informative=3, weights=[0.9], flip_y=0, class_sep=0.7, random_state=0
    )
    X = MinMaxScaler().fit_transform(X)
    return train_test_split(X, y, stratify=y, random_state=0)


def _weights_equal(a, b):
    for W_a, W_b in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_allclose(W_a, W_b, rtol=1e-10, atol=1e-12)


def _small(**params):
    return SigmoidMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0, **params)


def test_balanced_improves_minority_recall(imbalanced):
    X_train, X_test, y_train, y_test = imbalanced
    plain = SigmoidMLPClassifier(hidden_layer_sizes=(10,), random_state=0).fit(X_train, y_train)
    balanced = SigmoidMLPClassifier(
        hidden_layer_sizes=(10,), class_weight="balanced", random_state=0
    ).fit(X_train, y_train)
    recall_plain = recall_score(y_test, plain.predict(X_test), pos_label=1)
    recall_balanced = recall_score(y_test, balanced.predict(X_test), pos_label=1)
    # Measured: minority recall 0.32 -> 0.96, balanced accuracy 0.66 -> 0.81.
    assert recall_balanced > recall_plain + 0.2
    assert balanced_accuracy_score(y_test, balanced.predict(X_test)) > (
        balanced_accuracy_score(y_test, plain.predict(X_test)) + 0.1
    )


def test_dict_is_a_sample_weight_per_class():
    X, y = make_classification(60, n_features=5, n_classes=3, n_informative=3, random_state=1)
    weights = {0: 1.0, 1: 3.0, 2: 0.5}
    by_class = _small(class_weight=weights).fit(X, y)
    by_sample = _small().fit(X, y, sample_weight=np.array([weights[c] for c in y]))
    _weights_equal(by_class, by_sample)


def test_multiplied_with_sample_weight():
    X, y = make_classification(50, n_features=4, random_state=2)
    s = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    weights = {0: 2.0, 1: 0.25}
    both = _small(class_weight=weights).fit(X, y, sample_weight=s)
    product = _small().fit(X, y, sample_weight=s * np.where(y == 0, 2.0, 0.25))
    _weights_equal(both, product)


def test_balanced_is_scikit_learns_balanced_weights():
    X, y = make_classification(80, n_features=4, weights=[0.8], random_state=3)
    labels = np.array(["no", "yes"])[y]  # string labels: the weights follow the labels
    balanced = _small(class_weight="balanced").fit(X, labels)
    by_sample = _small().fit(X, labels, sample_weight=compute_sample_weight("balanced", labels))
    _weights_equal(balanced, by_sample)


def test_default_none_changes_nothing():
    X, y = make_classification(40, n_features=4, random_state=4)
    _weights_equal(_small(class_weight=None).fit(X, y), _small().fit(X, y))


def test_partial_fit_with_a_dict():
    X, y = make_classification(40, n_features=4, random_state=5)
    weights = {0: 1.0, 1: 4.0}
    by_class = _small(class_weight=weights).partial_fit(X, y, classes=[0, 1])
    by_sample = _small().partial_fit(X, y, classes=[0, 1], sample_weight=np.where(y == 1, 4.0, 1.0))
    _weights_equal(by_class, by_sample)


@pytest.mark.skipif(
    not _BALANCED_TAKES_WEIGHTS, reason="this scikit-learn counts classes by rows, not weights"
)
def test_balanced_with_a_class_of_zero_weight():
    X, y = make_classification(30, n_features=4, random_state=8)
    with pytest.raises(ValueError, match="zero total sample_weight"):
        _small(class_weight="balanced").fit(X, y, sample_weight=(y == 0).astype(float))


def test_partial_fit_refuses_balanced():
    X, y = make_classification(40, n_features=4, random_state=6)
    with pytest.raises(ValueError, match="class_weight='balanced' is not supported for partial_fit"):
        _small(class_weight="balanced").partial_fit(X, y, classes=[0, 1])


def test_multilabel_refuses_class_weight():
    X = np.random.RandomState(0).uniform(size=(20, 3))
    Y = (X > 0.5).astype(int)
    with pytest.raises(ValueError, match="class_weight is not supported for multilabel"):
        _small(class_weight="balanced").fit(X, Y)


@pytest.mark.parametrize(
    "class_weight, message",
    [
        ("auto", "The 'class_weight' parameter"),
        ([1.0, 2.0], "The 'class_weight' parameter"),
        ({0: -1.0, 1: 1.0}, r"gives the classes \[0\] no finite weight >= 0"),
        ({0: np.nan, 1: 1.0}, r"gives the classes \[0\] no finite weight >= 0"),
        ({0: 0.0, 1: 0.0}, "every sample zero weight"),
        ({0: 1.0, 7: 1.0}, "not in class_weight"),
    ],
)
def test_bad_class_weight_raises_and_leaves_the_model(class_weight, message):
    X, y = make_classification(30, n_features=4, random_state=7)
    model = _small().fit(X, y)
    before = [W.copy() for W in model.coefs_]
    with pytest.raises(ValueError, match=message):
        model.set_params(class_weight=class_weight, warm_start=True).fit(X, y)
    for W_before, W_after in zip(before, model.coefs_):
        assert_allclose(W_after, W_before)


_BALANCED_REFUSED = {
    **{
        check: "partial_fit refuses class_weight='balanced', as SGDClassifier does"
        for check in [
            "check_fit_score_takes_y",
            "check_n_features_in_after_fitting",
            "check_estimators_partial_fit_n_features",
        ]
    },
    **{
        check: "class_weight is refused for multilabel targets"
        for check in [
            "check_classifiers_multilabel_representation_invariance",
            "check_classifiers_multilabel_output_format_predict",
            "check_classifiers_multilabel_output_format_predict_proba",
            "check_classifiers_multilabel_output_format_decision_function",
        ]
    },
}


if not _BALANCED_TAKES_WEIGHTS:
    _BALANCED_REFUSED.update(
        {
            check: "this scikit-learn's 'balanced' counts classes by rows, not sample weights"
            for check in [
                "check_sample_weight_equivalence_on_dense_data",
                "check_sample_weight_equivalence_on_sparse_data",
            ]
        }
    )


@parametrize_with_checks(
    [SigmoidMLPClassifier(class_weight="balanced")],
    expected_failed_checks=lambda estimator: _BALANCED_REFUSED,
)
def test_sklearn_compatible_with_balanced_class_weight(estimator, check):
    # Among others, check_sample_weight_equivalence: 'balanced' counts the
    # classes by sample weight, so a weight of 2 still equals a repeated row.
    check(estimator)
