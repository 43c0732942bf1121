# The analysis models (images, detected faces, emotions) arrive with the analysis feature.
