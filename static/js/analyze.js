// The "Analyze image" form: drag and drop onto the drop zone, a preview of the chosen file, a
// friendly early warning for files over the size limit, and no double submissions.
const form = document.getElementById("analyze-form");
const dropzone = document.getElementById("dropzone");
const input = dropzone?.querySelector('input[type="file"]');
const preview = document.getElementById("preview");
const submit = document.getElementById("analyze-submit");

const NOT_AN_IMAGE = "This file is not an image we can read. Choose a JPEG, PNG, WebP, BMP or GIF image.";

// The formats the server accepts are the input's "accept" list.
function isAcceptedImage(file) {
  const accepted = (input.accept || "").split(",").map((type) => type.trim()).filter(Boolean);
  return file.type.startsWith("image/") && (!accepted.length || accepted.includes(file.type));
}

function hidePreview() {
  if (!preview) return;
  preview.removeAttribute("src");
  preview.classList.add("d-none");
}

function refuse(message) {
  input.setCustomValidity(message);
  input.reportValidity();
}

function showPreview(file) {
  if (!preview) return;
  if (preview.src) URL.revokeObjectURL(preview.src);
  hidePreview();
  if (!file) return;
  if (!isAcceptedImage(file)) {
    refuse(NOT_AN_IMAGE);
    return;
  }
  preview.src = URL.createObjectURL(file);
  preview.classList.remove("d-none");
}

// A file named like an image but whose content is not one: no broken image, a clear message.
preview?.addEventListener("error", () => {
  if (!preview.getAttribute("src")) return;
  hidePreview();
  refuse(NOT_AN_IMAGE);
});

function checkSize(file) {
  const maxBytes = Number(form.dataset.maxBytes);
  if (file && maxBytes && file.size > maxBytes) refuse(`The file is larger than ${Math.round(maxBytes / 1048576)} MB.`);
}

if (form && input) {
  for (const name of ["dragenter", "dragover"]) {
    dropzone.addEventListener(name, (event) => {
      event.preventDefault();
      dropzone.classList.add("dropzone-active");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    dropzone.addEventListener(name, () => dropzone.classList.remove("dropzone-active"));
  }
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change"));
  });
  input.addEventListener("change", () => {
    const file = input.files[0];
    input.setCustomValidity("");
    checkSize(file);
    if (input.validationMessage) {
      hidePreview();
      return;
    }
    showPreview(file);
  });
  form.addEventListener("submit", (event) => {
    if (!input.checkValidity()) {
      event.preventDefault();
      input.reportValidity();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Uploading…";
  });
}
