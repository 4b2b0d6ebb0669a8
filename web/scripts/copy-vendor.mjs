// Copies the browser files the app serves from node_modules into static/vendor/.
// Run by `npm run build --prefix web` after `npm ci --prefix web`; nothing is
// loaded from a CDN, and static/vendor/ is not committed.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "..", "node_modules");
const vendor = join(here, "..", "static", "vendor");

// [from (under node_modules), to (under static/vendor)]
const files = [
  ["bpmn-js/dist/bpmn-navigated-viewer.production.min.js", "bpmn-js/bpmn-navigated-viewer.js"],
  ["bpmn-js/dist/assets/diagram-js.css", "bpmn-js/diagram-js.css"],
  ["bpmn-js/dist/assets/bpmn-js.css", "bpmn-js/bpmn-js.css"],
  ["bpmn-js/dist/assets/bpmn-font", "bpmn-js/bpmn-font"],
  ["camunda-bpmn-js/dist/camunda-platform-modeler.production.min.js", "camunda-bpmn-js/modeler.js"],
  ["camunda-bpmn-js/dist/assets", "camunda-bpmn-js/assets"],
  ["camunda-dmn-js/dist/camunda-platform-modeler.production.min.js", "camunda-dmn-js/modeler.js"],
  ["camunda-dmn-js/dist/assets", "camunda-dmn-js/assets"],
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
  ["chart.js/dist/chart.umd.js", "chart.js/chart.umd.js"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of files) {
  const source = join(modules, from);
  if (!existsSync(source)) {
    console.error(`missing ${source}: run "npm ci" in web/ first`);
    process.exit(1);
  }
  const target = join(vendor, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true });
  console.log(`static/vendor/${to}`);
}
