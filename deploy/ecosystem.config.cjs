// pm2 process file for mexc-portfolio-bots. Install and use: see deploy/README.md.
//   pm2 start deploy/ecosystem.config.cjs   ·   pm2 stop mexc-portfolio-bots   ·   pm2 logs mexc-portfolio-bots
// The program reads .env from the project folder itself: no secret goes in this file.
const path = require("node:path");

module.exports = {
  apps: [
    {
      name: "mexc-portfolio-bots",
      cwd: path.resolve(__dirname, ".."),
      // node running scripts/start.mjs (what `npm start` runs: the built dist/), without pm2's wrapper process or npm in the
      // way of the stop signal. "node" is looked up in the PATH of whoever runs `pm2 start`.
      script: "node",
      interpreter: "none",
      // The young generation at 4 MiB, as `npm start` runs it: about 16 MiB less RSS for the same CPU.
      args: ["--max-semi-space-size=4", "scripts/start.mjs"],
      // One instance only: the state file is locked against a second one, and two would trade the same account.
      exec_mode: "fork",
      instances: 1,
      watch: false,
      autorestart: true,
      // A clean stop (exit 0, after SIGINT/SIGTERM) stays stopped; a crash (1) or a failed start (2: config,
      // .env, state file, pre-flight such as MEXC in maintenance) is restarted after 15 s.
      stop_exit_codes: [0],
      restart_delay: 15_000,
      // Ten restarts in a row that each lived less than a minute: pm2 gives up (status "errored") instead of
      // looping on a problem only you can fix. `pm2 logs` shows why.
      min_uptime: "60s",
      max_restarts: 10,
      // `pm2 stop` sends SIGINT, then SIGKILL after kill_timeout: keep it above shutdown.graceSec (20 s by
      // default) plus the time to cancel open orders and send the last messages.
      kill_timeout: 60_000,
      // Timestamps on pm2's own copy of the console (~/.pm2/logs); the program's logs are in logs/bot.log.
      time: true,
    },
  ],
};
