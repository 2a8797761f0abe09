# Correo que envía el foro, y las páginas a las que llevan sus enlaces.

mail-footer = Enviado por { $site }.
mail-link-expires = { $count ->
    [one] El enlace sirve una sola vez, durante la próxima hora.
   *[other] El enlace sirve una sola vez, durante las próximas { $count } horas.
}

mail-signup-subject = Confirmación de la cuenta nueva en { $site }
mail-signup-body = ¡Bienvenida y bienvenido a { $site }! Para terminar el registro como { $username }, hay que confirmar que esta dirección es propia.
mail-signup-action = Confirmar la dirección
mail-signup-ignore = Si no se hizo este registro, se puede ignorar este correo: la cuenta queda inactiva.

mail-reset-subject = Nueva contraseña para { $site }
mail-reset-body = Se pidió restablecer la contraseña de la cuenta { $username } en { $site }.
mail-reset-action = Elegir una contraseña nueva
mail-reset-ignore = Si no fue un pedido propio, se puede ignorar este correo: la contraseña no cambia.

mail-email-subject = Confirmación de la dirección nueva para { $site }
mail-email-body = La cuenta { $username } en { $site } pidió usar esta dirección de ahora en adelante.
mail-email-action = Confirmar esta dirección
mail-email-ignore = Si no fue un pedido propio, se puede ignorar este correo: nada cambia.

mail-invite-subject = { $inviter } invita a unirse a { $site }
mail-invite-body = { $inviter } envió una invitación para unirse a { $site }.
mail-invite-action = Aceptar la invitación

mail-test-subject = Correo de prueba de { $site }
mail-test-body = Este correo se envió desde la página de administración de { $site } para comprobar que el correo sale del foro.

# Páginas

signup-done-confirm = Se envió un correo a { $email }. Hay que seguir su enlace para activar la cuenta.
activate-title = Cuenta activada
activate-done = La dirección quedó confirmada y la cuenta está activa. ¡Bienvenida y bienvenido!
activate-resend = Enviar de nuevo el correo de activación
activate-resent = Si esa cuenta espera la confirmación de su dirección, se envió un correo nuevo.
forgot-title = ¿Se olvidó la contraseña?
forgot-help = Hay que escribir el nombre de usuario o la dirección de correo. Si una cuenta la usa, se envía a su dirección un correo con un enlace para elegir una contraseña nueva.
forgot-login = Nombre de usuario o correo
forgot-submit = Enviar el enlace
forgot-sent = Si una cuenta coincide, se envió a su dirección un correo con un enlace para elegir una contraseña nueva.
forgot-link = ¿Se olvidó la contraseña?
reset-title = Elegir una contraseña nueva
reset-for = Para la cuenta { $username }.
reset-submit = Guardar la contraseña
reset-done = La contraseña nueva quedó guardada. Se cerraron todas las demás sesiones de la cuenta.
email-confirm-title = Dirección confirmada
email-confirm-done = La cuenta usa ahora { $email }.
email-change-sent = Se envió un correo a { $email }. La dirección cambia cuando se sigue su enlace.

# Correo de notificaciones

mail-note-subject = [{ $site }] { $title }
mail-note-mentioned = { $author } mencionó a la cuenta en «{ $title }»:
mail-note-group-mentioned = { $author } mencionó a un grupo de la cuenta en «{ $title }»:
mail-note-replied = { $author } respondió a una publicación de la cuenta en «{ $title }»:
mail-note-quoted = { $author } citó una publicación de la cuenta en «{ $title }»:
mail-note-posted = { $author } publicó en «{ $title }», un tema que la cuenta sigue:
mail-note-action = Leerlo en el sitio
mail-note-why = Este correo sigue las preferencias de correo de la cuenta; se pueden cambiar en { $url }.
unsubscribe-title = Dejar de recibir notificaciones por correo
unsubscribe-ask = ¿Dejar de enviar notificaciones por correo a { $email }?
unsubscribe-submit = Dejar de recibirlas
unsubscribe-done = Ya no se envían notificaciones por correo a { $email }. Se pueden volver a activar en las preferencias.

# Resúmenes

mail-digest-subject = [{ $site }] Novedades
mail-digest-intro = { $count ->
    [one] Un tema tiene publicaciones sin leer desde la última visita:
   *[other] { $count } temas tienen publicaciones sin leer desde la última visita:
}
mail-digest-topic = { $title } ({ $category }): { $count ->
    [one] 1 publicación nueva
   *[other] { $count } publicaciones nuevas
}
mail-digest-action = Visitar el foro
mail-digest-why = Este resumen llega durante la ausencia; la frecuencia se puede cambiar, o desactivar, en { $url }.
digest-never = Nunca
digest-daily = A diario
digest-weekly = Cada semana
notifications-digest-label = Un resumen por correo durante la ausencia
unsubscribe-digest-done = Ya no se envían resúmenes a { $email }. Se pueden volver a activar en las preferencias.
