// The seven emotions and their colours. The colours come from /palette.css (generated from the
// colours ml/ circles faces with), read here from its CSS custom properties, so a face's circle,
// its chart bar and its label always match. tests/detection/core/test_static_emotions.py checks the
// list of emotions against ml/emotions.py.

export const EMOTIONS = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"];

const FALLBACK_RGB = "128, 128, 128";

export function emotionRgb(emotion) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--emotion-${emotion}-rgb`).trim();
  return value || FALLBACK_RGB;
}

export function emotionColour(emotion, alpha = 1) {
  return `rgba(${emotionRgb(emotion)}, ${alpha})`;
}

export function emotionLabel(emotion) {
  return emotion.charAt(0).toUpperCase() + emotion.slice(1);
}

// The stress line's colour on every chart: dark, drawn thicker than the emotions.
export const STRESS_COLOUR = "rgba(33, 37, 41, 1)";
