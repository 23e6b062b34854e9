// The lesson: read the cmi5-style launch parameters, POST the fetch URL once for {"auth-token"} (cmi5 8.2),
// then talk to the LRS with TinCanJS using `Authorization: Basic <token>`. The LRS binds the token to the
// launch's actor (and registration), so statements about anyone else are refused with a 403.
/* global TinCan */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var statusEl = document.getElementById("status");
  var button = document.getElementById("complete");

  function show(state, text) {
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function required(name) {
    var value = params.get(name);
    if (!value) throw new Error("the launch URL has no " + name + " parameter");
    return value;
  }

  /** The fetch URL answers one POST with the token; a second gets error-code 1 (cmi5 8.2.3). */
  function fetchToken(fetchUrl) {
    return fetch(fetchUrl, { method: "POST" }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error("fetch URL refused: " + (body["error-text"] || response.status));
        return body["auth-token"];
      });
    });
  }

  /** TinCanJS's callback API as a promise of the saved statement's id. */
  function save(lrs, statement) {
    return new Promise(function (resolve, reject) {
      lrs.saveStatement(statement, {
        callback: function (error, xhr) {
          if (error !== null) reject(new Error("the LRS answered " + (xhr ? xhr.status + " " + xhr.responseText : error)));
          else resolve(statement.id);
        },
      });
    });
  }

  function statementFor(verb, actor, activityId, registration) {
    var cfg = {
      actor: actor,
      verb: { id: "http://adlnet.gov/expapi/verbs/" + verb, display: { "en-US": verb } },
      target: { id: activityId, definition: { name: { "en-US": "Lesson 1" } } },
    };
    if (registration) cfg.context = { registration: registration };
    return new TinCan.Statement(cfg); // stamps a fresh id and timestamp
  }

  function start() {
    var endpoint = required("endpoint");
    var actor = JSON.parse(required("actor"));
    var activityId = required("activityId");
    var registration = params.get("registration") || undefined;
    return fetchToken(required("fetch")).then(function (token) {
      var lrs = new TinCan.LRS({ endpoint: endpoint, auth: "Basic " + token });
      return save(lrs, statementFor("launched", actor, activityId, registration)).then(function (id) {
        show("launched", "launched: " + id);
        button.disabled = false;
        button.onclick = function () {
          button.disabled = true;
          save(lrs, statementFor("completed", actor, activityId, registration)).then(
            function (completedId) {
              show("completed", "completed: " + completedId);
            },
            function (error) {
              show("error", error.message);
            },
          );
        };
      });
    });
  }

  try {
    start().catch(function (error) {
      show("error", error.message);
    });
  } catch (error) {
    show("error", error.message);
  }
})();
