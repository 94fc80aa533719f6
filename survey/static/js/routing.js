// The routing evaluator in the browser: the same semantics as survey/questionnaire/conditions.py
// (evaluate) and routing.py (applicable_ids), on the JSON that conditions.to_json produces.
// A test runs random answer sets through both and compares (tests/test_routing_js.py).
(function (root) {
  "use strict";

  function isBlank(value) {
    return value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0);
  }

  // The one number grammar of conditions.number: ASCII digits, an optional minus (also "−"),
  // one decimal comma or point, spaces between digit groups. No exponent, NaN, Infinity or "_".
  var NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
  var ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  function toNumber(text) {
    var cleaned = String(text).replace(/[ \u00a0\u202f]/g, "").replace(/,/g, ".").replace(/\u2212/g, "-");
    return NUMBER.test(cleaned) ? cleaned : null;
  }

  // Exact decimal comparison of two such numbers (-1, 0, 1), as Python's Decimal compares:
  // no rounding through floating point, however many digits.
  function decimalParts(text) {
    var negative = text.charAt(0) === "-";
    var body = negative ? text.slice(1) : text;
    var dot = body.indexOf(".");
    var whole = (dot === -1 ? body : body.slice(0, dot)).replace(/^0+/, "");
    var fraction = (dot === -1 ? "" : body.slice(dot + 1)).replace(/0+$/, "");
    return {negative: negative && (whole !== "" || fraction !== ""), whole: whole, fraction: fraction};
  }

  function compareStrings(a, b) { return a === b ? 0 : (a < b ? -1 : 1); }

  function compareNumbers(left, right) {
    var a = decimalParts(left), b = decimalParts(right);
    if (a.negative !== b.negative) { return a.negative ? -1 : 1; }
    var result = a.whole.length !== b.whole.length ? (a.whole.length < b.whole.length ? -1 : 1)
      : compareStrings(a.whole, b.whole);
    if (result === 0) {
      var fa = a.fraction, fb = b.fraction;
      while (fa.length < fb.length) { fa += "0"; }
      while (fb.length < fa.length) { fb += "0"; }
      result = compareStrings(fa, fb);
    }
    return a.negative ? -result : result;
  }

  function get(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }

  function order(op, sign) {
    if (op === "<") { return sign < 0; }
    if (op === "<=") { return sign <= 0; }
    if (op === ">") { return sign > 0; }
    return sign >= 0;
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
    // An ordering holds only between two numbers or two ISO dates (which order as strings).
    var left = toNumber(value), right = toNumber(targets[0]);
    if (left !== null && right !== null) { return order(op, compareNumbers(left, right)); }
    if (ISO_DATE.test(value) && ISO_DATE.test(targets[0])) { return order(op, compareStrings(value, targets[0])); }
    return false;
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
})(typeof window !== "undefined" ? window : globalThis);
