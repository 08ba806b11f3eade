// Copyright: contributors to hardening.signal
// GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
// Parse an HDF file with inspecjs' exec-json parser, the typed reader MITRE generates from the exec-json schema
// (schemas/exec-json.json in heimdall2) and that Heimdall and the SAF CLI load files with. Prints one JSON line.
'use strict';
const fs = require('fs');
const {Convert} = require('inspecjs/lib/generated_parsers/v_1_0/exec-json');

try {
  const doc = Convert.toExecJSON(fs.readFileSync(process.argv[2], 'utf8'));
  console.log(JSON.stringify({ok: true, profiles: doc.profiles.length, controls: doc.profiles[0].controls.length}));
} catch (error) {
  console.log(JSON.stringify({ok: false, error: String(error.message).slice(0, 2000)}));
}
