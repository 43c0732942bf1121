// The "Analyze image" form: drag and drop onto the drop zone, a preview of the chosen file, a
// friendly early warning for files over the size limit, and no double submissions.
const form = document.getElementById("analyze-form");
const dropzone = document.getElementById("dropzone");
const input = dropzone?.querySelector('input[type="file"]');
const preview = document.getElementById("preview");
const submit = document.getElementById("analyze-submit");

function showPreview(file) {
  if (!preview) return;
  if (preview.src) URL.revokeObjectURL(preview.src);
  if (file && file.type.startsWith("image/")) {
    preview.src = URL.createObjectURL(file);
    preview.classList.remove("d-none");
  } else {
    preview.removeAttribute("src");
    preview.classList.add("d-none");
  }
}

function checkSize(file) {
  const maxBytes = Number(form.dataset.maxBytes);
  const tooLarge = Boolean(file && maxBytes && file.size > maxBytes);
  input.setCustomValidity(tooLarge ? `The file is larger than ${Math.round(maxBytes / 1048576)} MB.` : "");
  if (tooLarge) input.reportValidity();
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
    showPreview(file);
    checkSize(file);
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
