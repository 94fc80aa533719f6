// The routing evaluator in the browser: the same semantics as survey/questionnaire/conditions.py
// (evaluate) and routing.py (applicable_ids), on the JSON that conditions.to_json produces.
// A test runs random answer sets through both and compares (tests/test_routing_js.py).
(function (root) {
  "use strict";

  function isBlank(value) {
    return value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0);
  }

  // Decimal parsing as in conditions._number: a decimal comma or point, spaces ignored.
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  function toNumber(text) {
    var cleaned = String(text).replace(/,/g, ".").replace(/ /g, "");
    if (!NUMBER.test(cleaned)) { return null; }
    return Number(cleaned);
  }

  function get(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  function order(op, left, right) {
    if (op === "<") { return left < right; }
    if (op === "<=") { return left <= right; }
    if (op === ">") { return left > right; }
    return left >= right;
  }

  // One answer against the condition's values; a missing answer is never equal or unequal.
  function compareOne(value, op, targets) {
    if (isBlank(value)) { return false; }
    if (Array.isArray(value)) {  // multiple choice: "=" means "includes"
      if (op === "!=") { return value.indexOf(targets[0]) === -1; }
      return targets.some(function (t) { return value.indexOf(t) !== -1; });
    }
    if (op === "=") { return value === targets[0]; }
    if (op === "!=") { return value !== targets[0]; }
    if (op === "in") { return targets.indexOf(value) !== -1; }
    var left = toNumber(value), right = toNumber(targets[0]);
    if (left === null || right === null) {  // ISO dates order as strings
      return order(op, value, targets[0]);
    }
    return order(op, left, right);
  }

  function evaluate(expr, values) {
    if (expr.cmp !== undefined) {
      var results = expr.refs.map(function (ref) {
        return compareOne(get(values, ref), expr.cmp, expr.values);
      });
      if (expr.quantifier === "all") { return results.every(Boolean); }
      return results.some(Boolean);
    }
    if (expr.answered !== undefined) { return !isBlank(get(values, expr.answered)); }
    if (expr.not !== undefined) { return !evaluate(expr.not, values); }
    if (expr.and !== undefined) { return expr.and.every(function (e) { return evaluate(e, values); }); }
    return expr.or.some(function (e) { return evaluate(e, values); });
  }

  // Answer ids whose routing holds, in one pass (conditions only look backwards).
  // `external` holds effective values of answers outside `entries` (other sections).
  function applicable(entries, answers, external) {
    var result = Object.create(null), effective = Object.create(null);
    Object.keys(external || {}).forEach(function (k) { effective[k] = external[k]; });
    entries.forEach(function (entry) {
      var gateOk = entry.gate === null || entry.gate === undefined || get(result, entry.gate) === true;
      if (gateOk && (!entry.when || evaluate(entry.when, effective))) {
        result[entry.id] = true;
        var value = get(answers, entry.id);
        if (!isBlank(value)) { effective[entry.id] = value; }
      }
    });
    return result;
  }

  root.SurveyRouting = { evaluate: evaluate, applicable: applicable, isBlank: isBlank };
})(window);
