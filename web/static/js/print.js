// The print button of the printouts (web/printouts.py); no inline scripts under the CSP.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-button");
  if (button) button.addEventListener("click", () => window.print());
});
