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


def valid_email(_form: FlaskForm, field: Field) -> None:
    """A plausible address (one @, a dot in the domain, no spaces); delivery proves the rest."""
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError("Ange en giltig e-postadress, till exempel namn@kommun.se.")


def date_field(label: str) -> DateField:
    return DateField(label, format="%Y-%m-%d", validators=[InputRequired(DATE_MESSAGE)])


def reason_field(label: str = "Skäl") -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired("Ange ett skäl."), Length(max=1000)])


class LoginForm(FlaskForm):
    email = EmailField("E-postadress", validators=[DataRequired("Ange din e-postadress.")],
                       render_kw={"autocomplete": "username", "spellcheck": "false"})
    password = PasswordField("Lösenord", validators=[DataRequired("Ange ditt lösenord.")],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Nuvarande lösenord", validators=[DataRequired(REQUIRED)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField("Nytt lösenord", validators=[
        DataRequired(REQUIRED), Length(min=MIN_LENGTH, message=f"Minst {MIN_LENGTH} tecken.")],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField("Upprepa det nya lösenordet", render_kw={"autocomplete": "new-password"})

    def validate_repeat(self, field: PasswordField) -> None:
        if field.data != self.new.data:
            raise ValidationError("Lösenorden är inte likadana.")


class RoundForm(FlaskForm):
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


class RoundEditForm(FlaskForm):
    name = StringField("Namn på omgången", validators=[DataRequired(REQUIRED), Length(max=200)])
    opens = date_field("Öppnar")
    closes = date_field("Sista svarsdag")

    def validate_closes(self, field: DateField) -> None:
        if self.opens.data and field.data and field.data < self.opens.data:
            raise ValidationError("Sista svarsdagen kan inte vara före öppningsdagen.")


class ExtendForm(FlaskForm):
    until = date_field("Ny sista svarsdag")
    reason = reason_field("Skäl till förlängningen")


class ReopenForm(FlaskForm):
    reason = reason_field("Skäl till att svaret öppnas igen")


class SubmitOnBehalfForm(FlaskForm):
    confirm = BooleanField("Organisationen har bekräftat att svaret är klart att skicka in",
                           validators=[DataRequired("Bekräfta att svaret ska skickas in.")])


class ContactForm(FlaskForm):
    registrar_email = EmailField("Registratorns e-postadress", validators=[
        Optional(), valid_email, Length(max=254)])
    respondent_name = StringField("Kontaktpersonens namn", validators=[Optional(), Length(max=200)])
    respondent_email = EmailField("Kontaktpersonens e-postadress", validators=[
        Optional(), valid_email, Length(max=254)])


class ContactImportForm(FlaskForm):
    file = FileField("Fil (CSV eller Excel)", validators=[
        FileRequired("Välj en fil."),
        FileAllowed(["csv", "txt", "xlsx"], "Filen måste vara .csv eller .xlsx.")])


class QuestionnaireUploadForm(FlaskForm):
    file = FileField("Fil (YAML eller XLSForm)", validators=[
        FileRequired("Välj en fil."),
        FileAllowed(["yaml", "yml", "xlsx"], "Filen måste vara .yaml, .yml eller .xlsx.")])


class TemplateForm(FlaskForm):
    subject = StringField("Ämnesrad", validators=[DataRequired(REQUIRED), Length(max=300)])
    body = TextAreaField("Text", validators=[DataRequired(REQUIRED), Length(max=20000)],
                         render_kw={"rows": 18})


class SendForm(FlaskForm):
    kind = HiddenField(validators=[DataRequired()])
    resend = BooleanField("Skicka även till organisationer som redan har fått inbjudan")
    confirmed = HiddenField()  # "1" on the confirmation page: only then is anything sent


class UserForm(FlaskForm):
    email = EmailField("E-postadress", validators=[DataRequired(REQUIRED), valid_email])
    name = StringField("Namn", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = RadioField("Roll", choices=choices(ROLE_CHOICES), default="analyst")
    password = PasswordField("Tillfälligt lösenord", validators=[
        DataRequired(REQUIRED), Length(min=MIN_LENGTH, message=f"Minst {MIN_LENGTH} tecken.")],
        render_kw={"autocomplete": "new-password"})


class UserEditForm(FlaskForm):
    name = StringField("Namn", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = RadioField("Roll", choices=choices(ROLE_CHOICES))
    active = BooleanField("Kontot är aktivt")


class NewPasswordForm(FlaskForm):
    password = PasswordField("Nytt lösenord", validators=[
        DataRequired(REQUIRED), Length(min=MIN_LENGTH, message=f"Minst {MIN_LENGTH} tecken.")],
        render_kw={"autocomplete": "new-password"})
