"""scikit-learn's estimator checks, with default parameters and no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor


@parametrize_with_checks(
    [SigmoidMLPClassifier(), SigmoidMLPRegressor(), SigmoidMLPClassifier(loss="squared_error")]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
