// formcheck serve: send the clip, then follow the analysis until its report can be shown.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  var input = document.getElementById("clip");
  var drop = document.getElementById("drop");
  var chosen = document.getElementById("chosen");
  var message = document.getElementById("message");
  var panel = document.getElementById("progress");
  var title = document.getElementById("progress-title");
  var bar = document.getElementById("bar");
  var text = document.getElementById("progress-text");
  var POLL_MS = 700;

  function say(words) {
    message.textContent = words;
    message.hidden = !words;
  }

  function show(heading, fraction, detail) {
    panel.hidden = false;
    title.textContent = heading;
    if (fraction === null) {
      bar.removeAttribute("value");  // indeterminate
    } else {
      bar.value = fraction;
    }
    text.textContent = detail || "";
  }

  function follow(statusUrl) {
    var request = new XMLHttpRequest();
    request.open("GET", statusUrl);
    request.responseType = "json";
    request.onload = function () {
      var job = request.response;
      if (request.status !== 200 || !job) {
        say("Lost track of the analysis: reload the page to see it in the list.");
        return;
      }
      if (job.state === "done" && job.report) {
        show("Done", 1, "Opening the report…");
        window.location.href = job.report;
        return;
      }
      if (job.state === "done" || job.state === "failed" || job.state === "stopped") {
        panel.hidden = true;
        say(job.error || "The analysis finished without a report.");
        if (form) {
          form.querySelector("button[type=submit]").disabled = false;
        } else {
          window.location.reload();  // the analysis page then offers to run it again
        }
        return;
      }
      if (job.state === "queued") {
        var before = job.position ? job.position - 1 : 0;
        show("Waiting", null, before > 0
          ? "Another clip is being analysed; " + before + " more before this one. This one starts as soon as they are done."
          : "Another clip is being analysed; this one starts as soon as it is done.");
      } else if (job.total && job.frames < job.total) {
        show("Finding your pose", job.frames / job.total,
          job.frames + " of " + job.total + " frames");
      } else if (job.frames) {
        show("Judging the reps", null, "Checking each rep and writing the report…");
      } else {
        show("Starting", null, "Loading the pose model…");
      }
      window.setTimeout(function () { follow(statusUrl); }, POLL_MS);
    };
    request.onerror = function () {
      say("The formcheck server stopped answering. Start it again: nothing finished is lost.");
    };
    request.send();
  }

  function describe(file) {
    var mb = file.size / (1024 * 1024);
    return file.name + " (" + (mb < 10 ? mb.toFixed(1) : Math.round(mb)) + " MB)";
  }

  if (form) {
    input.addEventListener("change", function () {
      chosen.textContent = input.files.length ? describe(input.files[0]) : "";
      say("");
    });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) {
        event.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change"));
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.files.length) {
        say("Choose a video file first (or drop one on the box).");
        return;
      }
      var file = input.files[0];
      var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
      if (file.size > limit) {
        say(file.name + " is larger than the " + form.getAttribute("data-max-mb") +
          " MB limit: trim the clip, or start the server with a larger --max-upload-mb.");
        return;
      }
      say("");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.responseType = "json";
      request.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          show("Uploading", e.loaded / e.total, describe(file));
        }
      };
      request.onload = function () {
        var reply = request.response || {};
        if (request.status === 202) {
          follow(reply.status);
        } else {
          panel.hidden = true;
          button.disabled = false;
          say(reply.error || ("The upload was refused (HTTP " + request.status + ")."));
        }
      };
      request.onerror = function () {
        panel.hidden = true;
        button.disabled = false;
        say("The upload did not reach the formcheck server: is it still running?");
      };
      show("Uploading", 0, describe(file));
      request.send(new FormData(form));
    });
  } else if (panel && panel.getAttribute("data-status") && !panel.hidden) {
    follow(panel.getAttribute("data-status"));
  }
})();
