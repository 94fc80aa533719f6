"""The staff forms (Flask-WTF: every form carries the CSRF token). Messages are Swedish."""

from __future__ import annotations

from typing import Any, TypeVar

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from survey.staff.accounts import EMAIL
from survey.staff.passwords import MIN_LENGTH
from survey.text import clean_line, clean_text

ROLE_CHOICES = [("analyst", "Analytiker – omgångar, framsteg och resultat"),
                ("admin", "Administratör – allt, även användare")]
DATE_MESSAGE = "Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2025-10-19."
REQUIRED = "Fältet måste fyllas i."
T = TypeVar("T")


def filled(data: T | None) -> T:
    """A required field's data once its form has validated (the validator refused no value)."""
    if data is None:
        raise ValueError("a required form field has no value after validation")
    return data


def choices(pairs: list[tuple[str, str]]) -> list[Any]:
    """Choices as WTForms 3.3+ wants them (``SelectChoice``), tuples for older versions."""
    try:
        # New in WTForms 3.3, which types-WTForms does not describe yet.
        from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
    except ImportError:  # WTForms < 3.3
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


def _clean_multiline(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _clean_single(value: Any) -> Any:
    return clean_line(value) if isinstance(value, str) else value


class Form(FlaskForm):
    """Every staff form: each text field is cleaned (``survey.text``) before it is validated.

    Passwords are left exactly as typed; a text area keeps its lines, any other text field
    becomes one trimmed line.
    """

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, PasswordField):
                clean = _clean_multiline if issubclass(kind, TextAreaField) else _clean_single
                options = {**options, "filters": [clean, *unbound_field.kwargs.get("filters", ())]}
            return unbound_field.bind(form=form, **options)


def valid_email(_form: FlaskForm, field: Field) -> None:
    """A plausible address (one @, a dot in the domain, no spaces); delivery proves the rest."""
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError("Ange en giltig e-postadress, till exempel namn@kommun.se.")


def date_field(label: str) -> DateField:
    return DateField(label, format="%Y-%m-%d", validators=[InputRequired(DATE_MESSAGE)])


def reason_field(label: str = "Skäl") -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired("Ange ett skäl."), Length(max=1000)])


class LoginForm(Form):
    email = EmailField("E-postadress", validators=[DataRequired("Ange din e-postadress.")],
                       render_kw={"autocomplete": "username", "spellcheck": "false"})
    password = PasswordField("Lösenord", validators=[DataRequired("Ange ditt lösenord.")],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class PasswordChangeForm(Form):
    current = PasswordField("Nuvarande lösenord", validators=[DataRequired(REQUIRED)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField("Nytt lösenord", validators=[
        DataRequired(REQUIRED), Length(min=MIN_LENGTH, message=f"Minst {MIN_LENGTH} tecken.")],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField("Upprepa det nya lösenordet", render_kw={"autocomplete": "new-password"})

    def validate_repeat(self, field: PasswordField) -> None:
        if field.data != self.new.data:
            raise ValidationError("Lösenorden är inte likadana.")


class RoundForm(Form):
    questionnaire = SelectField("Enkät", validators=[DataRequired("Välj en enkät.")])
    name = StringField("Namn på omgången", validators=[Optional(), Length(max=200)])
    selection = RadioField("Organisationer", choices=choices([
        ("all", "Alla organisationer som enkäten vänder sig till"),
        ("codes", "Ett urval (ange koder nedan)")]), default="all")
    codes = TextAreaField("Organisationskoder för urvalet",
                          render_kw={"rows": 4, "spellcheck": "false"})
    opens = date_field("Öppnar")
    closes = date_field("Sista svarsdag")

    def validate_closes(self, field: DateField) -> None:
        if self.opens.data and field.data and field.data < self.opens.data:
            raise ValidationError("Sista svarsdagen kan inte vara före öppningsdagen.")

    def validate_codes(self, field: TextAreaField) -> None:
        if self.selection.data == "codes" and not (field.data or "").strip():
            raise ValidationError("Ange minst en organisationskod.")


class RoundEditForm(Form):
    name = StringField("Namn på omgången", validators=[DataRequired(REQUIRED), Length(max=200)])
    opens = date_field("Öppnar")
    closes = date_field("Sista svarsdag")

    def validate_closes(self, field: DateField) -> None:
        if self.opens.data and field.data and field.data < self.opens.data:
            raise ValidationError("Sista svarsdagen kan inte vara före öppningsdagen.")


class ExtendForm(Form):
    until = date_field("Ny sista svarsdag")
    reason = reason_field("Skäl till förlängningen")


class ReopenForm(Form):
    reason = reason_field("Skäl till att svaret öppnas igen")


class SubmitOnBehalfForm(Form):
    confirm = BooleanField("Organisationen har bekräftat att svaret är klart att skicka in",
                           validators=[DataRequired("Bekräfta att svaret ska skickas in.")])


class ContactForm(Form):
    registrar_email = EmailField("Registratorns e-postadress", validators=[
        Optional(), valid_email, Length(max=254)])
    respondent_name = StringField("Kontaktpersonens namn", validators=[Optional(), Length(max=200)])
    respondent_email = EmailField("Kontaktpersonens e-postadress", validators=[
        Optional(), valid_email, Length(max=254)])


class ContactImportForm(Form):
    file = FileField("Fil (CSV eller Excel)", validators=[
        FileRequired("Välj en fil."),
        FileAllowed(["csv", "txt", "xlsx"], "Filen måste vara .csv eller .xlsx.")])


class QuestionnaireUploadForm(Form):
    file = FileField("Fil (YAML eller XLSForm)", validators=[
        FileRequired("Välj en fil."),
        FileAllowed(["yaml", "yml", "xlsx"], "Filen måste vara .yaml, .yml eller .xlsx.")])


class TemplateForm(Form):
    subject = StringField("Ämnesrad", validators=[DataRequired(REQUIRED), Length(max=300)])
    body = TextAreaField("Text", validators=[DataRequired(REQUIRED), Length(max=20000)],
                         render_kw={"rows": 18})


class SendForm(Form):
    kind = HiddenField(validators=[DataRequired()])
    resend = BooleanField("Skicka även till organisationer som redan har fått inbjudan")
    confirmed = HiddenField()  # "1" on the confirmation page: only then is anything sent


class UserForm(Form):
    email = EmailField("E-postadress", validators=[DataRequired(REQUIRED), valid_email])
    name = StringField("Namn", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = RadioField("Roll", choices=choices(ROLE_CHOICES), default="analyst")
    password = PasswordField("Tillfälligt lösenord", validators=[
        DataRequired(REQUIRED), Length(min=MIN_LENGTH, message=f"Minst {MIN_LENGTH} tecken.")],
        render_kw={"autocomplete": "new-password"})


class UserEditForm(Form):
    name = StringField("Namn", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = RadioField("Roll", choices=choices(ROLE_CHOICES))
    active = BooleanField("Kontot är aktivt")


class NewPasswordForm(Form):
    password = PasswordField("Nytt lösenord", validators=[
        DataRequired(REQUIRED), Length(min=MIN_LENGTH, message=f"Minst {MIN_LENGTH} tecken.")],
        render_kw={"autocomplete": "new-password"})
