//! The bundled ISSG 2016 scenario (written with the data).
