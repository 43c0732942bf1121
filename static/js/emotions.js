// The seven emotions and their colours, mirroring ml/emotions.py EMOTIONS and
// ml/annotate.py EMOTION_COLOURS (RGB), so a face's circle and its chart bar match.
// tests/detection/test_static_emotions.py checks that the two stay the same.

export const EMOTIONS = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"];

export const EMOTION_COLOURS = {
  angry: [220, 53, 69],
  disgust: [111, 66, 193],
  fear: [253, 126, 20],
  happy: [25, 135, 84],
  neutral: [108, 117, 125],
  sad: [13, 110, 253],
  surprise: [214, 168, 0],
};

export function emotionColour(emotion, alpha = 1) {
  const [r, g, b] = EMOTION_COLOURS[emotion] ?? [128, 128, 128];
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function emotionLabel(emotion) {
  return emotion.charAt(0).toUpperCase() + emotion.slice(1);
}
